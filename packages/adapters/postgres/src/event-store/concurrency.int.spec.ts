/**
 * Contention, group commit and failures against the real server: a 50-writer storm on one
 * stream, a hot stream with `any`, neighbour isolation inside one group, and connections killed
 * in the middle of an append transaction.
 */
import { type ExpectedVersion, isWrongExpectedVersionError, type RecordedEvent } from '@ordo/kernel';
import pg from 'pg';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { toAppendRequest } from './append-request';
import { appendStatement } from './append-statement';
import { migrate } from '../schema/migrate';
import { schemaName } from '../schema/schema-name';
import { newEvent, openTestDatabase, sleep, within } from '../test-support';
import { type InTransactionHook, PostgresEventStore } from './postgres-event-store';

const db = await openTestDatabase('pg_concurrency', 30);

const ids = (events: ReadonlyArray<RecordedEvent>) => events.map((e) => e.metadata.eventId);

test('storm: 50 writers with exact expected versions on one hot stream, across two stores: versions contiguous, nothing lost or doubled', async () => {
  const schema = 'storm';
  await migrate(db.pool, { schema });
  const stores = [0, 1].map(() => new PostgresEventStore({ pool: db.newPool(4), schema }));
  const WRITERS = 50;
  const BATCHES = [1, 2, 1, 1];
  let conflicts = 0;
  await Promise.all(
    Array.from({ length: WRITERS }, async (_, w) => {
      const store = stores[w % 2]!;
      for (const [b, size] of BATCHES.entries()) {
        const batch = Array.from({ length: size }, (_, i) => newEvent(`w${w}-b${b}-e${i}`, { w, b, i }));
        for (let attempt = 0; ; attempt++) {
          assert.ok(attempt < 1000, `writer ${w} starved`);
          const last = (await store.readStream('hot', { direction: 'backwards', maxCount: 1 }))[0];
          const expectedVersion: ExpectedVersion = last === undefined ? 'no_stream' : last.streamVersion;
          try {
            const result = await store.appendToStream('hot', batch, { expectedVersion });
            assert.is(result.nextExpectedVersion, (last?.streamVersion ?? -1n) + BigInt(size));
            break;
          } catch (error) {
            if (!isWrongExpectedVersionError(error)) throw error;
            conflicts += 1;
            // The error reports the real current version, newer than the one this writer read.
            assert.ok(error.actual !== 'no_stream' && (last === undefined || error.actual > last.streamVersion));
          }
        }
      }
    }),
  );
  const total = WRITERS * BATCHES.reduce((a, b) => a + b, 0);
  const events = await stores[0]!.readStream('hot');
  assert.equal(
    events.map((e) => e.streamVersion),
    Array.from({ length: total }, (_, i) => BigInt(i)),
    'versions 0..n-1, contiguous',
  );
  assert.is(new Set(ids(events)).size, total, 'no event twice');
  for (let w = 0; w < WRITERS; w++) {
    const mine = events.filter((e) => (e.event as unknown as { w: number }).w === w);
    assert.equal(
      ids(mine),
      BATCHES.flatMap((size, b) => Array.from({ length: size }, (_, i) => `w${w}-b${b}-e${i}`)),
      `writer ${w}: every event, batches contiguous and in order`,
    );
  }
  assert.equal(ids(await stores[1]!.readAll()), ids(events), 'readAll holds the stream in version order');
  assert.ok(conflicts > 0, 'the storm produced version conflicts');
  console.log(`  storm: ${total} events, ${conflicts} conflicts retried`);
  for (const store of stores) await store.close();
});

test("hot stream with 'any': 50 writers, two stores, no rejection, contiguous versions", async () => {
  const schema = 'hot_any';
  await migrate(db.pool, { schema });
  const stores = [0, 1].map(() => new PostgresEventStore({ pool: db.newPool(4), schema }));
  const results = await Promise.all(
    Array.from({ length: 50 }, async (_, w) => {
      const out = [];
      for (let k = 0; k < 6; k++) out.push(await stores[w % 2]!.appendToStream('hot', [newEvent(`w${w}-${k}`)]));
      return out;
    }),
  );
  const events = await stores[0]!.readStream('hot');
  assert.is(events.length, 300);
  assert.equal(
    events.map((e) => e.streamVersion),
    Array.from({ length: 300 }, (_, i) => BigInt(i)),
  );
  const answered = results.flat().map((r) => r.nextExpectedVersion);
  assert.is(new Set(answered.map(String)).size, 300, 'every append answered its own version');
  const groups = stores.reduce((n, s) => n + s.writeStats.groups, 0);
  assert.ok(groups < 300, `appends were coalesced (${groups} groups for 300 appends)`);
  for (const store of stores) await store.close();
});

test('group commit: conflicts, duplicates, retries and a failing hook in one group fail only their own append', async () => {
  const schema = 'neighbours';
  await migrate(db.pool, { schema });
  const hook: InTransactionHook = async (client, appended) => {
    await client.query(`INSERT INTO ${schema}.hook_log (event_id) SELECT unnest($1::text[])`, [ids(appended)]);
    if ((appended[0]!.event as unknown as { explode?: boolean }).explode) throw new Error('hook failed on purpose');
  };
  await db.pool.query(`CREATE TABLE ${schema}.hook_log (event_id text PRIMARY KEY)`);
  const store = new PostgresEventStore({ pool: db.newPool(4), schema, inTransaction: [hook] });
  await store.appendToStream('s2', [newEvent('s2-0')]);
  await store.appendToStream('s3', [newEvent('taken')]);
  const retried = [newEvent('r-0'), newEvent('r-1')];
  const first = await store.appendToStream('s4', retried, { expectedVersion: 'no_stream' });
  const groupsBefore = store.writeStats.groups;

  const settled = await Promise.allSettled([
    store.appendToStream('s1', [newEvent('a-0'), newEvent('a-1')], { expectedVersion: 'no_stream' }), // ok
    store.appendToStream('s2', [newEvent('b-0')], { expectedVersion: 5n }), // conflict
    store.appendToStream('s5', [newEvent('c-0'), newEvent('taken')]), // duplicate id
    store.appendToStream('s6', [newEvent('d-0', { explode: true })]), // hook throws
    store.appendToStream('s1', [newEvent('e-0')], { expectedVersion: 1n }), // ok, after the first in the group
    store.appendToStream('s4', retried, { expectedVersion: 'no_stream' }), // idempotent retry
    store.appendToStream('s1', [newEvent('g-0')], { expectedVersion: 1n }), // conflict with its neighbour
  ]);
  const value = (i: number) =>
    (settled[i] as PromiseFulfilledResult<{ nextExpectedVersion: bigint; position: bigint }>).value;
  const reason = (i: number) => (settled[i] as PromiseRejectedResult).reason as Error & Record<string, unknown>;
  assert.equal(
    settled.map((s) => s.status),
    ['fulfilled', 'rejected', 'rejected', 'rejected', 'fulfilled', 'fulfilled', 'rejected'],
  );
  assert.is(value(0).nextExpectedVersion, 1n);
  assert.ok(isWrongExpectedVersionError(reason(1)));
  assert.is(reason(1)['actual'], 0n);
  assert.is(reason(2)['code'], 'duplicate_event_id');
  assert.match(reason(2).message, /taken/);
  assert.is(reason(3).message, 'hook failed on purpose');
  assert.is(value(4).nextExpectedVersion, 2n);
  assert.equal(value(5), first, 'the retry answers what the first append answered');
  assert.ok(isWrongExpectedVersionError(reason(6)));
  assert.is(reason(6)['actual'], 2n);
  // One group, written again once without the append whose hook failed.
  assert.is(store.writeStats.groups - groupsBefore, 1);

  assert.equal(ids(await store.readStream('s1')), ['a-0', 'a-1', 'e-0']);
  assert.equal(ids(await store.readStream('s2')), ['s2-0']);
  assert.equal(await store.readStream('s5'), []);
  assert.equal(await store.readStream('s6'), []);
  assert.equal(ids(await store.readStream('s4')), ['r-0', 'r-1']);
  const log = await db.pool.query<{ event_id: string }>(`SELECT event_id FROM ${schema}.hook_log ORDER BY event_id`);
  assert.equal(
    log.rows.map((r) => r.event_id),
    ['a-0', 'a-1', 'e-0', 'r-0', 'r-1', 's2-0', 'taken'],
    'hook writes commit with their append and roll back with it',
  );
  const all = await store.readAll();
  for (let i = 1; i < all.length; i++) assert.ok(all[i]!.globalPosition > all[i - 1]!.globalPosition);
  await store.close();
});

test('stored ids found by the INSERT itself (retry with any, duplicate): the group is decided again, no position skipped', async () => {
  // The first pass of ordo_append does not probe ids whose append passes its version check: the
  // unique index finds them, the INSERT rolls back, and a second pass decides every append again.
  const schema = 'second_pass';
  await migrate(db.pool, { schema });
  const store = new PostgresEventStore({ pool: db.newPool(4), schema });
  const batch = [newEvent('x-0'), newEvent('x-1'), newEvent('x-2')];
  const first = await store.appendToStream('x', batch, { expectedVersion: 'any' });
  await store.appendToStream('x', [newEvent('x-3')]);
  await store.appendToStream('taken', [newEvent('taken-0')]);
  const before = (await store.readAll()).at(-1)!.globalPosition;
  const groupsBefore = store.writeStats.groups;

  const settled = await Promise.allSettled([
    store.appendToStream('fresh', [newEvent('f-0'), newEvent('f-1')], { expectedVersion: 'no_stream' }),
    store.appendToStream('x', batch, { expectedVersion: 'any' }), // retry: its ids are stored
    store.appendToStream('dup', [newEvent('d-0'), newEvent('taken-0')]), // one id stored elsewhere
    store.appendToStream('x', [newEvent('x-4')], { expectedVersion: 3n }), // after the retry, same stream
    store.appendToStream('fresh', [newEvent('f-2')], { expectedVersion: 1n }), // after its neighbour
  ]);
  assert.is(store.writeStats.groups - groupsBefore, 1, 'one group');
  assert.equal(
    settled.map((s) => s.status),
    ['fulfilled', 'fulfilled', 'rejected', 'fulfilled', 'fulfilled'],
  );
  const value = (i: number) =>
    (settled[i] as PromiseFulfilledResult<{ nextExpectedVersion: bigint; position: bigint }>).value;
  assert.equal(value(1), first, 'the retry answers what the first append answered');
  const reason = (settled[2] as PromiseRejectedResult).reason as Error & Record<string, unknown>;
  assert.is(reason['code'], 'duplicate_event_id');
  assert.match(reason.message, /taken-0/);
  assert.equal(value(0), { nextExpectedVersion: 1n, position: before + 2n });
  assert.equal(value(3), { nextExpectedVersion: 4n, position: before + 3n });
  assert.equal(value(4), { nextExpectedVersion: 2n, position: before + 4n });
  const all = await store.readAll();
  assert.equal(ids(all.filter((e) => e.globalPosition > before)), ['f-0', 'f-1', 'x-4', 'f-2']);
  assert.equal(
    all.map((e) => e.globalPosition),
    all.map((_, i) => BigInt(i + 1)),
    'positions 1..n: the block reserved by the rolled-back first pass was handed back',
  );
  assert.equal(ids(await store.readStream('x')), ['x-0', 'x-1', 'x-2', 'x-3', 'x-4']);
  assert.equal(await store.readStream('dup'), []);
  // Next group: the sequence goes on right after the last written position.
  const next = await store.appendToStream('later', [newEvent('l-0')]);
  assert.is(next.position, before + 5n);
  await store.close();
});

test('an append PostgreSQL itself refuses (a character the database encoding lacks) fails alone', async () => {
  // Validation cannot know the database encoding; the server refuses the whole statement, and the
  // store writes the group's appends one by one so that only the offending one fails.
  const name = `${db.url.split('/').pop()!.split('?')[0]}_latin1`;
  await db.pool.query(`CREATE DATABASE ${name} ENCODING 'LATIN1' LC_COLLATE 'C' LC_CTYPE 'C' TEMPLATE template0`);
  const url = db.url.replace(/\/[^/?]+(\?|$)/, `/${name}$1`);
  const pool = new pg.Pool({ connectionString: url, max: 4 });
  pool.on('error', () => undefined);
  try {
    await migrate(pool, { schema: 'latin' });
    const store = new PostgresEventStore({ pool, schema: 'latin' });
    const settled = await Promise.allSettled([
      store.appendToStream('a', [newEvent('ok-1', { text: 'café' })]),
      store.appendToStream('b', [newEvent('bad', { text: '漢字' })]),
      store.appendToStream('c', [newEvent('ok-2')]),
    ]);
    assert.equal(
      settled.map((s) => s.status),
      ['fulfilled', 'rejected', 'fulfilled'],
    );
    const error = (settled[1] as PromiseRejectedResult).reason as Error & { code?: string };
    assert.is(error.name, 'InvalidInputError');
    assert.is(error.code, 'not_serialisable');
    assert.equal(ids(await store.readAll()), ['ok-1', 'ok-2']);
    assert.is((await store.readStream('a'))[0]!.event['text' as 'type'], 'café');
    await store.close();
  } finally {
    await pool.end();
    await db.pool.query(`DROP DATABASE ${name} WITH (FORCE)`);
  }
});

test('a connection killed inside the append transaction (hook waiting) leaves no partial append', async () => {
  const schema = 'killed_hook';
  await migrate(db.pool, { schema });
  let backendPid: number | undefined;
  let release: () => void = () => undefined;
  const blocked = new Promise<void>((resolve) => (release = resolve));
  const hook: InTransactionHook = async (client, appended) => {
    if ((appended[0]!.event as unknown as { block?: boolean }).block) {
      backendPid = (await client.query<{ pid: number }>('SELECT pg_backend_pid() AS pid')).rows[0]!.pid;
      await blocked;
    }
  };
  const store = new PostgresEventStore({ pool: db.newPool(4), schema, inTransaction: [hook] });
  await store.appendToStream('before', [newEvent('before-0')]);
  const doomed = store.appendToStream(
    'doomed',
    Array.from({ length: 5 }, (_, i) => newEvent(`doomed-${i}`, { block: true })),
  );
  while (backendPid === undefined) await sleep(10);
  const killer = await db.client();
  const killed = await killer.query<{ ok: boolean }>('SELECT pg_terminate_backend($1) AS ok', [backendPid]);
  assert.ok(killed.rows[0]!.ok);
  release();
  const error = await doomed.then(
    () => undefined,
    (e: unknown) => e,
  );
  assert.ok(error instanceof Error, 'the append rejects');
  assert.equal(await store.readStream('doomed'), [], 'no event of the killed transaction');
  assert.equal(ids(await store.readAll()), ['before-0']);
  // The store goes on: the dead connection left the pool and the write lock died with it.
  const next = await within(store.appendToStream('after', [newEvent('after-0')]), 5_000, 'an append after the kill');
  assert.is(next.nextExpectedVersion, 0n);
  assert.equal(ids(await store.readAll()), ['before-0', 'after-0']);
  // A retry of the killed append with the same ids succeeds once.
  await store.appendToStream(
    'doomed',
    Array.from({ length: 5 }, (_, i) => newEvent(`doomed-${i}`)),
  );
  assert.is((await store.readStream('doomed')).length, 5);
  await store.close();
});

test('a raw client killed after ordo_append and before COMMIT leaves nothing and releases the write lock', async () => {
  const schema = 'killed_raw';
  await migrate(db.pool, { schema });
  const store = new PostgresEventStore({ pool: db.newPool(4), schema });
  const victim = await db.client();
  const pid = (await victim.query<{ pid: number }>('SELECT pg_backend_pid() AS pid')).rows[0]!.pid;
  await victim.query('BEGIN');
  const request = toAppendRequest(
    'big',
    Array.from({ length: 100 }, (_, i) => newEvent(`big-${i}`)),
    'no_stream',
    {},
  );
  const answer = await victim.query<{ status: number }>(appendStatement(schemaName(schema), [request]));
  assert.is(answer.rows[0]!.status, 0, 'written inside the open transaction');
  const waiting = store.appendToStream('other', [newEvent('other-0')]);
  await sleep(100);
  const killer = await db.client();
  await killer.query('SELECT pg_terminate_backend($1)', [pid]);
  await within(waiting, 5_000, 'the append waiting on the write lock');
  assert.equal(await store.readStream('big'), []);
  assert.equal(ids(await store.readAll()), ['other-0']);
  await store.close();
});

test.after(() => db.close());
test.run();
