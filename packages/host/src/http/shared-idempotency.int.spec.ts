// Idempotency-Key answers shared by every process through PostgreSQL (ordo_http_answers): the
// store on its own (two pools stand for two processes), then two HTTP edges on one PostgreSQL
// host, as two `ordo serve` processes behind one address would be.
import { migrate, EXTRA_MIGRATIONS } from '@ordo/adapter-postgres';
import pg from 'pg';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { HOST_MIGRATIONS, postgresAnswers } from '../backends/postgres-answers';
import { createHost } from '../composition/create-host';
import { createScryptPasswordHasher } from '../identity/scrypt-password-hasher';
import { openHostTestDatabase } from '../test-support';
import { createHttpServer } from './create-http-server';
import { admin, jwtSecret, orderBody } from './http-test-kit';
import { createSharedIdempotencyStore, type RememberedAnswer } from './idempotency';

const answer = (status: number, body: unknown): RememberedAnswer => ({
  status,
  body,
  headers: { 'content-type': 'application/json; charset=utf-8' },
});

test('the shared store: a claim, an answer every process replays, another request refused, stale and expired entries taken over', async () => {
  const db = await openHostTestDatabase('http_answers');
  const [poolA, poolB] = [new pg.Pool({ connectionString: db.url }), new pg.Pool({ connectionString: db.url })];
  try {
    await migrate(poolA, { schema: 'ordo', extra: [...EXTRA_MIGRATIONS, ...HOST_MIGRATIONS] });
    const [a, b] = [postgresAnswers(poolA, 'ordo'), postgresAnswers(poolB, 'ordo')];
    const claimed = await a.claim('ann|k1', 'f1', 60_000, 30_000);
    assert.is(claimed.kind, 'claimed');
    assert.equal(await b.claim('ann|k1', 'f1', 60_000, 30_000), { kind: 'in-flight', fingerprint: 'f1' });
    if (claimed.kind !== 'claimed') return;
    await a.complete('ann|k1', claimed.claim, answer(201, { orderId: 'o-1', total: 1200 }));
    assert.equal(await b.claim('ann|k1', 'f1', 60_000, 30_000), {
      kind: 'answered',
      fingerprint: 'f1',
      answer: answer(201, { orderId: 'o-1', total: 1200 }),
    });

    // A claim whose process died (unanswered past staleAfterMs) is taken over; the late owner's
    // answer then changes nothing.
    const first = await a.claim('ann|k2', 'f2', 60_000, 30_000);
    await new Promise((resolve) => setTimeout(resolve, 20));
    const takeover = await b.claim('ann|k2', 'f2', 60_000, 10);
    assert.is(takeover.kind, 'claimed', 'taken over');
    if (first.kind === 'claimed') await a.complete('ann|k2', first.claim, answer(200, { late: true }));
    if (takeover.kind === 'claimed') await b.complete('ann|k2', takeover.claim, answer(200, { late: false }));
    const k2 = await a.claim('ann|k2', 'f2', 60_000, 30_000);
    assert.ok(k2.kind === 'answered' && (k2.answer.body as { late: boolean }).late === false);

    // An expired entry is claimed afresh; purgeExpired deletes what expired.
    const short = await a.claim('ann|k3', 'f3', 1, 30_000);
    if (short.kind === 'claimed') await a.complete('ann|k3', short.claim, answer(200, { n: 1 }));
    await new Promise((resolve) => setTimeout(resolve, 20));
    assert.is((await b.claim('ann|k3', 'other', 60_000, 30_000)).kind, 'claimed', 'expired: free again');
    const gone = await a.claim('ann|k4', 'f4', 1, 30_000);
    if (gone.kind === 'claimed') await a.complete('ann|k4', gone.claim, answer(200, {}));
    await new Promise((resolve) => setTimeout(resolve, 20));
    assert.ok((await a.purgeExpired(100)) >= 1);
    const left = await poolA.query(`SELECT scope FROM ordo.ordo_http_answers ORDER BY scope`);
    assert.equal(
      left.rows.map((r: { scope: string }) => r.scope),
      ['ann|k1', 'ann|k2', 'ann|k3'],
    );

    // Through the IdempotencyStore: two "processes" at once run the answer once, the other
    // waits and replays it; another body is a 422; a 5xx and a throw are not remembered.
    const [storeA, storeB] = [
      createSharedIdempotencyStore(a, { ttlMs: 60_000, pollMs: 5 }),
      createSharedIdempotencyStore(b, { ttlMs: 60_000, pollMs: 5 }),
    ];
    let runs = 0;
    const slow = async () => {
      runs += 1;
      await new Promise((resolve) => setTimeout(resolve, 50));
      return answer(201, { run: runs });
    };
    const [ra, rb] = await Promise.all([storeA.run('bob|k', 'fp', slow), storeB.run('bob|k', 'fp', slow)]);
    assert.is(runs, 1, 'answered once across both');
    assert.equal(ra.answer, rb.answer);
    assert.equal([ra.replayed, rb.replayed].sort(), [false, true]);
    try {
      await storeB.run('bob|k', 'another-body', slow);
      assert.unreachable('another request with the same key');
    } catch (error) {
      assert.is((error as { status?: number }).status, 422);
    }
    let fivexx = 0;
    const failing = async () => answer(503, { attempt: ++fivexx });
    await storeA.run('bob|k5', 'fp', failing);
    assert.is((await storeB.run('bob|k5', 'fp', failing)).replayed, false, 'a 5xx is not remembered');
    assert.is(fivexx, 2);
    const throwing = async (): Promise<RememberedAnswer> => {
      throw new Error('handler crashed');
    };
    try {
      await storeA.run('bob|k6', 'fp', throwing);
    } catch {
      // expected
    }
    assert.is((await storeB.run('bob|k6', 'fp', async () => answer(200, { ok: 1 }))).replayed, false);
  } finally {
    await poolA.end();
    await poolB.end();
    await db.close();
  }
});

test('two HTTP edges on one PostgreSQL host: a retry through the other edge is replayed, another body there is a 422', async () => {
  const db = await openHostTestDatabase('http_edges');
  const host = await createHost({
    store: { kind: 'postgres', connectionString: db.url },
    passwordHasher: createScryptPasswordHasher({ N: 256 }),
  });
  const options = { auth: { jwtSecret, bootstrapAdmin: admin } };
  const [edgeA, edgeB] = [await createHttpServer(host, options), await createHttpServer(host, options)];
  try {
    const call = async (
      edge: typeof edgeA,
      method: 'GET' | 'POST',
      url: string,
      payload?: unknown,
      headers: Record<string, string> = {},
    ) => {
      const response = await edge.app.inject({
        method,
        url,
        headers: { ...headers, ...(payload === undefined ? {} : { 'content-type': 'application/json' }) },
        ...(payload === undefined ? {} : { payload: JSON.stringify(payload) }),
      });
      return { status: response.statusCode, headers: response.headers, text: response.body };
    };
    const tokenOf = async (email: string, password: string) =>
      (JSON.parse((await call(edgeA, 'POST', '/auth/token', { email, password })).text) as { access_token: string })
        .access_token;
    const adminAuth = { authorization: `Bearer ${await tokenOf(admin.email, admin.password)}` };
    assert.is(
      (
        await call(
          edgeA,
          'POST',
          '/catalog/products',
          { sku: 'mug', name: 'Mug', price: 1200, currency: 'EUR' },
          adminAuth,
        )
      ).status,
      201,
    );
    assert.is((await call(edgeA, 'POST', '/inventory/mug/receipts', { quantity: 10 }, adminAuth)).status, 200);
    assert.is(
      (await call(edgeA, 'POST', '/customers', { email: 'ann@example.com', password: 'ann-password' })).status,
      201,
    );
    const ann = { authorization: `Bearer ${await tokenOf('ann@example.com', 'ann-password')}` };

    const placed = await call(edgeA, 'POST', '/orders', orderBody(), { ...ann, 'idempotency-key': 'order-1' });
    assert.is(placed.status, 201, placed.text);
    const retried = await call(edgeB, 'POST', '/orders', orderBody(), { ...ann, 'idempotency-key': 'order-1' });
    assert.is(retried.status, 201);
    assert.is(retried.text, placed.text, 'the first answer, byte for byte, from the other edge');
    assert.is(retried.headers['idempotent-replayed'], 'true');
    assert.is(retried.headers.location, placed.headers.location);
    const other = await call(edgeB, 'POST', '/orders', orderBody({}, 2), { ...ann, 'idempotency-key': 'order-1' });
    assert.is(other.status, 422, other.text);
    assert.is((JSON.parse(other.text) as { code: string }).code, 'idempotency_key_reused');
    const order = await call(edgeB, 'GET', String(placed.headers.location), undefined, ann);
    assert.is(order.status, 200, order.text);
    const lines = (JSON.parse(order.text) as { lines: Array<{ quantity: number }> }).lines;
    assert.equal(
      lines.map((l) => l.quantity),
      [1],
      'the order of the first request, untouched by the refused one',
    );
  } finally {
    await edgeA.close();
    await edgeB.close();
    await host.stop();
    await db.close();
  }
});

test.run();
