import { InvalidInputError, type OutgoingMessage, type Publisher, relayOnce } from '@ordo/kernel';
import { createHash } from 'node:crypto';
import { outboxConformance } from '@ordo/kernel/testing';
import * as assert from 'uvu/assert';
import { suite } from 'uvu';
import {
  type ExtrasDatabase,
  type Publication,
  checkPublications,
  interleavedMessages,
  invalidInput,
  invalidOptions,
  message,
  openExtrasDatabase,
  recorded,
  rejected,
  sleep,
  thrown,
} from '../test-support';
import { createPostgresOutboxRelay } from './outbox-relay';
import { PostgresOutbox, outboxHook } from './postgres-outbox';

const test = suite<{ db: ExtrasDatabase }>('postgres outbox');
let db: ExtrasDatabase;

test.before(async () => {
  db = await openExtrasDatabase('pg_outbox');
});
test.after(async () => {
  await db.close();
});

let schemaCounter = 0;
/** Each test gets its own schema so that tests cannot see each other's rows. */
const freshOutbox = async (): Promise<PostgresOutbox> => {
  const schema = `outbox_t${++schemaCounter}`;
  const { migrateExtras } = await import('../schema/extra-migrations');
  await migrateExtras(db.pool, { schema });
  return new PostgresOutbox({ pool: db.pool, schema });
};

const ids = (messages: ReadonlyArray<{ id: string }>) => messages.map((m) => m.id);

outboxConformance(test, {
  create: async () => {
    const outbox = await freshOutbox();
    return { outbox, add: (messages) => outbox.write(messages) };
  },
});

test('the hook writes routed events in the caller transaction: rollback leaves nothing, commit keeps them', async () => {
  const outbox = await freshOutbox();
  const hook = outboxHook(outbox.schema, (e) => (e.event.type === 'Internal' ? undefined : { topic: 'orders' }));
  const events = [recorded('order-1', 0, 1, 'OrderPlaced', { total: 5 }), recorded('order-1', 1, 2, 'Internal')];
  const client = await db.pool.connect();
  try {
    await client.query('BEGIN');
    await hook(client, events);
    await client.query('ROLLBACK');
    assert.is(await outbox.pending(), 0, 'a rolled back append leaves no outbox row');
    await client.query('BEGIN');
    await hook(client, events);
    await hook(client, events); // a retried hook run writes nothing twice
    await client.query('COMMIT');
  } finally {
    client.release();
  }
  assert.is(await outbox.pending(), 1, 'only the routed event is in the outbox');
  const [claimed] = await outbox.claim({ owner: 'r', batchSize: 10, leaseMs: 10_000 });
  assert.ok(claimed);
  assert.is(claimed.id, 'order-1:0');
  assert.is(claimed.topic, 'orders');
  assert.is(claimed.key, 'order-1');
  assert.is(claimed.type, 'OrderPlaced');
  assert.equal(claimed.payload, { type: 'OrderPlaced', total: 5 });
  assert.is(claimed.headers['ordo-event-id'], 'order-1:0');
  assert.is(claimed.streamVersion, 0n);
  assert.is(claimed.globalPosition, 1n);
});

/** The bucket the database puts a stream in. */
const bucketOf = async (outbox: PostgresOutbox, streamId: string): Promise<number> => {
  const r = await db.pool.query<{ b: number }>(`SELECT "${outbox.schema}".ordo_outbox_bucket($1) AS b`, [streamId]);
  return Number(r.rows[0]?.b);
};

/** A stream id `<prefix><n>` whose bucket is (or, with `same: false`, is not) `bucket`. */
const streamIn = async (outbox: PostgresOutbox, prefix: string, bucket: number, same = true): Promise<string> => {
  for (let n = 0; ; n++) {
    if (((await bucketOf(outbox, `${prefix}${n}`)) === bucket) === same) return `${prefix}${n}`;
  }
};

test('the bucket of a stream is the documented hash: first 32 bits of md5(stream id), low 6 bits', async () => {
  const outbox = await freshOutbox();
  for (const id of ['order-1', 'a', 'x', 'customer-42', 'é-ü']) {
    const first = createHash('md5').update(id, 'utf8').digest().readInt32BE(0);
    assert.is(await bucketOf(outbox, id), first & 63, id);
  }
});

test('a claim takes whole buckets: another relay gets none of a held bucket, even its later messages', async () => {
  const outbox = await freshOutbox();
  const a = 'a';
  const sibling = await streamIn(outbox, 'sib', await bucketOf(outbox, a)); // same bucket as a
  const b = await streamIn(outbox, 'b', await bucketOf(outbox, a), false); // another bucket
  await outbox.write([
    message(a, 0, 1),
    message(a, 1, 2),
    message(a, 2, 3),
    message(b, 0, 4),
    message(b, 1, 5),
    message(sibling, 0, 6),
  ]);
  const first = await outbox.claim({ owner: 'A', batchSize: 2, leaseMs: 10_000 });
  assert.equal(ids(first), [`${a}:0`, `${a}:1`], 'oldest first, a prefix of stream a');
  const second = await outbox.claim({ owner: 'B', batchSize: 10, leaseMs: 10_000 });
  assert.equal(ids(second), [`${b}:0`, `${b}:1`], 'a:2 and the sibling stay in the bucket A holds');
  assert.equal(await outbox.claim({ owner: 'C', batchSize: 10, leaseMs: 10_000 }), []);

  await outbox.markPublished('C', [`${a}:0`]); // C does not hold the bucket: ignored
  assert.is(await outbox.pending(), 6);
  await outbox.markPublished('A', ids(first));
  assert.is(await outbox.pending(), 4);
  const third = await outbox.claim({ owner: 'C', batchSize: 10, leaseMs: 10_000 });
  assert.equal(ids(third), [`${a}:2`, `${sibling}:0`], 'marking freed the bucket; the rest of it follows');

  await outbox.release('B', ids(second));
  const fourth = await outbox.claim({ owner: 'D', batchSize: 10, leaseMs: 10_000 });
  assert.equal(ids(fourth), [`${b}:0`, `${b}:1`], 'released messages are claimable at once, in order');
  await outbox.markPublished('B', ids(second)); // B released them: its late mark changes nothing
  assert.is(await outbox.pending(), 4);
});

test('ahead: an owner continues after its unmarked claims; without it, they are handed out again', async () => {
  const outbox = await freshOutbox();
  await outbox.write([message('h', 0, 1), message('h', 1, 2), message('h', 2, 3), message('h', 3, 4)]);
  const k1 = await outbox.claim({ owner: 'A', batchSize: 2, leaseMs: 10_000 });
  assert.equal(ids(k1), ['h:0', 'h:1']);
  const k2 = await outbox.claim({ owner: 'A', batchSize: 1, leaseMs: 10_000, ahead: true });
  assert.equal(ids(k2), ['h:2'], 'claiming ahead continues the stream A is publishing');
  assert.equal(await outbox.claim({ owner: 'B', batchSize: 10, leaseMs: 10_000 }), [], 'B gets none of it');
  const again = await outbox.claim({ owner: 'A', batchSize: 10, leaseMs: 10_000 });
  assert.equal(ids(again), ['h:0', 'h:1', 'h:2', 'h:3'], 'a plain claim hands the unmarked claims out again');
  // Marks may settle out of order: marking the later batch first publishes the bucket up to it.
  await outbox.markPublished('A', ['h:2']);
  assert.is(await outbox.pending(), 1);
  await outbox.markPublished('A', ids(k1));
  assert.is(await outbox.pending(), 1, 'an older mark never moves the watermark back');
  await outbox.markPublished('A', ['h:3']);
  assert.is(await outbox.pending(), 0);
  assert.equal(await outbox.claim({ owner: 'B', batchSize: 10, leaseMs: 10_000 }), []);
});

test('a mark beyond what the owner claimed marks nothing', async () => {
  const outbox = await freshOutbox();
  await outbox.write([message('m', 0, 1), message('m', 1, 2)]);
  assert.equal(ids(await outbox.claim({ owner: 'A', batchSize: 1, leaseMs: 10_000 })), ['m:0']);
  await outbox.markPublished('A', ['m:1']);
  assert.is(await outbox.pending(), 2, 'm:1 was never handed to A');
  // Another instance (a relay's successor process) knows nothing of A's claim: it looks ids up.
  const other = new PostgresOutbox({ pool: db.pool, schema: outbox.schema });
  await other.markPublished('A', ['m:0', 'no-such-id']);
  assert.is(await outbox.pending(), 1);
});

test('an expired lease passes the stream to another relay, which starts again at its first unpublished message', async () => {
  const outbox = await freshOutbox();
  await outbox.write([message('x', 0, 1), message('x', 1, 2)]);
  assert.equal(ids(await outbox.claim({ owner: 'A', batchSize: 10, leaseMs: 1000 })), ['x:0', 'x:1']);
  assert.equal(await outbox.claim({ owner: 'B', batchSize: 10, leaseMs: 10_000 }), []);
  await sleep(1100);
  assert.equal(ids(await outbox.claim({ owner: 'B', batchSize: 10, leaseMs: 10_000 })), ['x:0', 'x:1']);
  await outbox.markPublished('A', ['x:0', 'x:1']);
  assert.is(await outbox.pending(), 2, 'the stale owner cannot mark');
  await outbox.markPublished('B', ['x:0', 'x:1']);
  assert.is(await outbox.pending(), 0);
});

test('writing the outbox never waits for a relay that holds the bucket locked', async () => {
  const outbox = await freshOutbox();
  await outbox.write([message('w', 0, 1)]);
  const relay = await db.pool.connect();
  const writer = await db.pool.connect();
  try {
    await relay.query('BEGIN');
    await relay.query(
      `SELECT 1 FROM "${outbox.schema}".ordo_outbox_buckets
       WHERE bucket = "${outbox.schema}".ordo_outbox_bucket('w') FOR UPDATE`,
    );
    await writer.query('BEGIN');
    // The append transaction holds the store's write lock: waiting here would stall every append.
    await writer.query(`SET LOCAL lock_timeout = '300ms'`);
    await outboxHook(outbox.schema)(writer, [recorded('w', 1, 2)]);
    await writer.query('COMMIT');
    await relay.query('COMMIT');
  } finally {
    writer.release();
    relay.release();
  }
  assert.is(await outbox.pending(), 2);
});

test('concurrent claims never hand out the same stream twice', async () => {
  const outbox = await freshOutbox();
  await outbox.write(interleavedMessages(30, 3));
  const claims = await Promise.all(
    Array.from({ length: 8 }, (_, i) => outbox.claim({ owner: `r${i}`, batchSize: 12, leaseMs: 10_000 })),
  );
  const holder = new Map<string, number>();
  claims.forEach((batch, i) => {
    for (const m of batch) {
      const other = holder.get(m.streamId);
      assert.ok(other === undefined || other === i, `stream ${m.streamId} went to relays ${other} and ${i}`);
      holder.set(m.streamId, i);
    }
  });
  assert.ok(holder.size > 0);
});

test('bad input is refused before anything is written', async () => {
  assert.equal(
    thrown(() => new PostgresOutbox({ pool: db.pool, schema: 'x"; DROP TABLE y; --' })),
    invalidOptions('schema'),
  );
  assert.equal(
    thrown(() => outboxHook('Bad-Schema')),
    invalidInput('invalid_schema_name', 'schema'),
  );
  const publisher: Publisher = { publish: async () => undefined };
  const relay = { pool: db.pool, schema: db.schema, publisher, owner: 'r' };
  for (const [options, path] of [
    [{ schema: 'Bad' }, 'schema'],
    [{ batchSize: 0 }, 'batchSize'],
    [{ leaseMs: -1 }, 'leaseMs'],
    [{ pollMs: Number.NaN }, 'pollMs'],
  ] as const) {
    assert.equal(
      thrown(() => createPostgresOutboxRelay({ ...relay, ...options })),
      invalidOptions(path),
      path,
    );
  }
  const outbox = await freshOutbox();
  await outbox.write([message('q', 0, 1)]);
  for (const [options, error] of [
    [{ owner: '', batchSize: 1, leaseMs: 100 }, invalidInput('invalid_owner', 'owner')],
    [{ owner: 'a', batchSize: 0, leaseMs: 100 }, invalidOptions('batchSize')],
    [{ owner: 'a', batchSize: 1.5, leaseMs: 100 }, invalidOptions('batchSize')],
    [{ owner: 'a', batchSize: 1, leaseMs: Number.NaN }, invalidOptions('leaseMs')],
  ] as const) {
    assert.equal(await rejected(() => outbox.claim(options)), error, JSON.stringify(options));
  }
  assert.equal(ids(await outbox.claim({ owner: 'a', batchSize: 5, leaseMs: 1000 })), ['q:0'], 'nothing was claimed');
});

/**
 * Three relays drain 60 interleaved streams. The first to publish a fourth message in one batch
 * stalls for longer than its lease, so the others take its streams over and republish part of its batch. Invariant: every
 * message is published at least once, and per stream the first publications come in version order.
 */
test('three concurrent relays with a lease expiring mid-run: all published, per-stream order kept', async () => {
  const outbox = await freshOutbox();
  const expected = interleavedMessages(60, 6);
  await outbox.write(expected);
  const log: Publication[] = [];
  let stalled = false;
  const publisher = (by: string): Publisher => ({
    publish: async (messages: ReadonlyArray<OutgoingMessage>) => {
      for (const [i, m] of messages.entries()) {
        const om = expected.find((e) => e.id === m.id);
        assert.ok(om);
        log.push({ id: m.id, streamId: om.streamId, streamVersion: om.streamVersion, by });
        // The first relay to publish a fourth message in one call stalls (whichever it is: with
        // pipelined claims one relay may keep the buckets it works on, so naming one could miss).
        if (!stalled && i === 3) {
          stalled = true;
          await sleep(900); // lease is 300 ms: the others take the streams of this batch over
        }
        await sleep(1);
      }
    },
  });
  const relays = ['r0', 'r1', 'r2'].map((owner) =>
    createPostgresOutboxRelay({
      pool: db.pool,
      schema: outbox.schema,
      publisher: publisher(owner),
      owner,
      batchSize: 10,
      leaseMs: 300,
      pollMs: 20,
    }),
  );
  relays.forEach((r) => r.start());
  const deadline = Date.now() + 30_000;
  while ((await outbox.pending()) > 0 && Date.now() < deadline) await sleep(50);
  await Promise.all(relays.map((r) => r.stop()));
  assert.is(await outbox.pending(), 0, 'the relays drained the outbox');
  assert.ok(stalled, 'the stall happened');
  const { problems, duplicates } = checkPublications(expected, log);
  assert.equal(problems, []);
  assert.ok(duplicates > 0, 'the stalled batch was republished by another relay');
  const byRelay = new Set(log.map((p) => p.by));
  assert.is(byRelay.size, 3, `all three relays did some of the work (${[...byRelay].join(', ')})`);
});

test('relayOnce releases the claim when publishing fails, so the batch is retried at once', async () => {
  const outbox = await freshOutbox();
  await outbox.write([message('p', 0, 1), message('p', 1, 2)]);
  const failing: Publisher = {
    publish: async () => {
      throw new Error('broker down');
    },
  };
  try {
    await relayOnce(outbox, failing, { owner: 'A', batchSize: 10, leaseMs: 60_000 });
    assert.unreachable('publish error swallowed');
  } catch (e) {
    assert.match(String(e), /broker down/);
  }
  const sent: string[] = [];
  const ok: Publisher = { publish: async (ms) => void sent.push(...ms.map((m) => m.id)) };
  assert.is(await relayOnce(outbox, ok, { owner: 'B', batchSize: 10, leaseMs: 60_000 }), 2);
  assert.equal(sent, ['p:0', 'p:1']);
  assert.is(await outbox.pending(), 0);
});

/**
 * Watermarks are only sound if outbox positions commit in the order they are drawn. Invariant:
 * with writers whose transactions stay open for random times while a relay claims and marks
 * all along, every message is published (a message that committed late was never skipped by a
 * watermark that had already moved past its position).
 */
test('writers that commit late are never skipped: positions commit in order', async () => {
  const outbox = await freshOutbox();
  const writers = 12;
  const perWriter = 15;
  const published = new Set<string>();
  let writing = true;
  const relay = (async () => {
    while (writing || (await outbox.pending()) > 0) {
      const batch = await outbox.claim({ owner: 'R', batchSize: 7, leaseMs: 60_000 });
      for (const m of batch) published.add(m.id);
      await outbox.markPublished('R', ids(batch));
      if (batch.length === 0) await sleep(2);
    }
  })();
  await Promise.all(
    Array.from({ length: writers }, async (_, w) => {
      for (let i = 0; i < perWriter; i++) {
        const client = await db.pool.connect();
        try {
          await client.query('BEGIN');
          await outbox.write([message(`w${w}-${i}`, 0, w * 1000 + i)], client);
          await sleep(Math.floor(Math.random() * 6)); // hold the transaction open a while
          await client.query('COMMIT');
        } finally {
          client.release();
        }
      }
    }),
  );
  writing = false;
  await relay;
  assert.is(published.size, writers * perWriter, 'every message was claimed and published');
  assert.is(await outbox.pending(), 0);
});

test('a write waits for an open transaction that wrote the outbox before it', async () => {
  const outbox = await freshOutbox();
  const first = await db.pool.connect();
  let secondDone = false;
  try {
    await first.query('BEGIN');
    await outbox.write([message('early', 0, 1)], first);
    const second = outbox.write([message('late', 0, 2)]).then(() => {
      secondDone = true;
    });
    await sleep(200);
    assert.not.ok(secondDone, 'the second write waits for the first to commit');
    assert.equal(await outbox.claim({ owner: 'R', batchSize: 10, leaseMs: 10_000 }), []);
    await first.query('COMMIT');
    await second;
  } finally {
    first.release();
  }
  assert.equal(ids(await outbox.claim({ owner: 'R', batchSize: 10, leaseMs: 10_000 })), ['early:0', 'late:0']);
});

test('purgePublished deletes published messages written before the cut, never pending ones', async () => {
  const outbox = await freshOutbox();
  await outbox.write([message('p', 0, 1), message('p', 1, 2), message('q', 0, 3)]);
  assert.is((await outbox.claim({ owner: 'A', batchSize: 10, leaseMs: 10_000 })).length, 3);
  await outbox.markPublished('A', ['p:0', 'p:1']); // q:0, written last, stays pending
  assert.is(await outbox.pending(), 1);
  assert.is(await outbox.purgePublished(new Date(Date.now() - 60_000)), 0, 'nothing is that old');
  assert.is(await outbox.purgePublished(new Date(Date.now() + 60_000)), 2);
  assert.is(await outbox.pending(), 1, 'pending messages stay');
  const rows = await db.pool.query(`SELECT id FROM "${outbox.schema}".ordo_outbox`);
  assert.equal(
    rows.rows.map((r: { id: string }) => r.id),
    ['q:0'],
  );
  try {
    await outbox.purgePublished(new Date(Number.NaN));
    assert.unreachable('accepted an invalid date');
  } catch (e) {
    assert.instance(e, InvalidInputError);
  }
});

test('migration 107 keeps what an older outbox published and what it had pending', async () => {
  const schema = `outbox_t${++schemaCounter}`;
  const { EXTRA_MIGRATIONS, migrateExtras } = await import('../schema/extra-migrations');
  const { migrate } = await import('../schema/migrate');
  await migrate(db.pool, { schema, extra: EXTRA_MIGRATIONS.filter((m) => m.version <= 106) });
  const rows = interleavedMessages(5, 4, 'old');
  // The old layout: a published_at column per message; every other message of each stream published.
  await db.pool.query(
    `INSERT INTO "${schema}".ordo_outbox
       (id, stream_id, stream_version, global_position, topic, message_key, type, payload, headers, published_at)
     SELECT id, stream_id, v, p, 'test', stream_id, 'Happened', '{}', '{}', CASE WHEN v < 2 THEN now() END
     FROM unnest($1::text[], $2::text[], $3::bigint[], $4::bigint[]) AS m(id, stream_id, v, p)`,
    [
      rows.map((m) => m.id),
      rows.map((m) => m.streamId),
      rows.map((m) => m.streamVersion.toString()),
      rows.map((m) => m.globalPosition.toString()),
    ],
  );
  await migrateExtras(db.pool, { schema });
  const outbox = new PostgresOutbox({ pool: db.pool, schema });
  assert.is(await outbox.pending(), 10, 'versions 2 and 3 of the five streams are pending');
  const claimed = await outbox.claim({ owner: 'A', batchSize: 100, leaseMs: 10_000 });
  assert.equal(
    ids(claimed),
    rows.filter((m) => m.streamVersion >= 2n).map((m) => m.id),
    'only the pending ones, in global order',
  );
  await outbox.write([message('new', 0, 100)]);
  assert.equal(ids(await outbox.claim({ owner: 'B', batchSize: 100, leaseMs: 10_000 })).includes('new:0'), true);
});

test.run();
