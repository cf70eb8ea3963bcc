/**
 * The gap problem: transactions commit in another order than the one in which they took their
 * global positions, so a reader that pages with `position > last` can step over a position whose
 * transaction commits a moment later. These tests prove that readAll and subscriptions of this
 * store never skip an event, never deliver one twice and never deliver a rolled-back one.
 */
import type { RecordedEvent } from '@ordo/kernel';
import type pg from 'pg';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { toAppendRequest } from './append-request';
import { appendStatement } from './append-statement';
import { migrate } from '../schema/migrate';
import { schemaName } from '../schema/schema-name';
import { newEvent, openTestDatabase, seededRandom, sleep, within } from '../test-support';
import { type InTransactionHook, PostgresEventStore } from './postgres-event-store';

const db = await openTestDatabase('pg_global_order', 20);

/** Calls `ordo_append` for one append on a raw client, inside whatever transaction it has open. */
const rawAppend = (client: pg.Client, schema: string, streamId: string, ids: ReadonlyArray<string>) =>
  client.query(
    appendStatement(schemaName(schema), [
      toAppendRequest(
        streamId,
        ids.map((id) => newEvent(id)),
        'any',
        {},
      ),
    ]),
  );

test('32 concurrent writers with rollbacks and held-open transactions: a subscriber and a poller see every committed event once, in order', async () => {
  const schema = 'gap_storm';
  await migrate(db.pool, { schema });
  const seed = Number(process.env.ORDO_GAP_SEED ?? Date.now() % 1_000_000);
  const random = seededRandom(seed);
  const committed = new Set<string>();
  const rolledBack = new Set<string>();
  let held = 0;

  // Hooks run in the append transaction: one holds it open for a while, one throws (rollback).
  const hook: InTransactionHook = async (_client, appended) => {
    const fate = (appended[0]!.event as unknown as { fate?: string }).fate;
    if (fate === 'hook-hold') await sleep(10 + Math.floor(random() * 30));
    if (fate === 'hook-throw') throw new Error('rolled back on purpose');
  };
  const plain = [0, 1].map(() => new PostgresEventStore({ pool: db.newPool(4), schema }));
  const hooked = new PostgresEventStore({ pool: db.newPool(4), schema, inTransaction: [hook] });
  const reader = new PostgresEventStore({ pool: db.newPool(4), schema, pollIntervalMs: 100 });

  // Reader 1: a subscription with an odd batch size. Reader 2: a poller paging with readAll.
  const delivered: RecordedEvent[] = [];
  const subscription = reader.subscribeToAll({ batchSize: 7, onEvent: (e) => void delivered.push(e) });
  const polled: RecordedEvent[] = [];
  let polling = true;
  const poller = (async () => {
    let after = 0n;
    while (polling) {
      const page = await reader.readAll({ after, maxCount: 5 });
      polled.push(...page);
      if (page.length > 0) after = page[page.length - 1]!.globalPosition;
      else await sleep(2);
    }
  })();

  try {
    const APPENDS = 12;
    const idOf = (w: number, k: number, i: number) => `w${w}-a${k}-e${i}`;
    const size = () => 1 + Math.floor(random() * 3);

    // 8 raw clients: BEGIN; ordo_append; (hold) COMMIT or ROLLBACK.
    const rawWriters = Array.from({ length: 8 }, async (_, w) => {
      const client = await db.client();
      for (let k = 0; k < APPENDS; k++) {
        const ids = Array.from({ length: size() }, (_, i) => idOf(w, k, i));
        const roll = random();
        await client.query('BEGIN');
        await rawAppend(client, schema, `raw-${w % 3}`, ids);
        if (roll < 0.3) {
          held += 1;
          await sleep(10 + Math.floor(random() * 40));
        }
        if (roll > 0.75) {
          await client.query('ROLLBACK');
          for (const id of ids) rolledBack.add(id);
        } else {
          await client.query('COMMIT');
          for (const id of ids) committed.add(id);
        }
      }
    });
    // 8 writers through a store whose hook holds or rolls back some appends.
    const hookWriters = Array.from({ length: 8 }, async (_, j) => {
      const w = 8 + j;
      for (let k = 0; k < APPENDS; k++) {
        const roll = random();
        const fate = roll < 0.2 ? 'hook-throw' : roll < 0.45 ? 'hook-hold' : 'commit';
        const ids = Array.from({ length: size() }, (_, i) => idOf(w, k, i));
        try {
          await hooked.appendToStream(
            `hooked-${w % 4}`,
            ids.map((id) => newEvent(id, { fate })),
          );
          for (const id of ids) committed.add(id);
        } catch (error) {
          assert.is((error as Error).message, 'rolled back on purpose');
          for (const id of ids) rolledBack.add(id);
        }
      }
    });
    // 16 writers through two plain stores (two "processes"), some on a shared hot stream.
    const plainWriters = Array.from({ length: 16 }, async (_, j) => {
      const w = 16 + j;
      for (let k = 0; k < APPENDS; k++) {
        const ids = Array.from({ length: size() }, (_, i) => idOf(w, k, i));
        await plain[j % 2]!.appendToStream(
          j % 3 === 0 ? 'hot' : `plain-${w}`,
          ids.map((id) => newEvent(id)),
        );
        for (const id of ids) committed.add(id);
      }
    });
    await Promise.all([...rawWriters, ...hookWriters, ...plainWriters]);

    const deadline = Date.now() + 20_000;
    while ((delivered.length < committed.size || polled.length < committed.size) && Date.now() < deadline) {
      await sleep(20);
    }
    polling = false;
    await poller;
    await subscription.stop();

    const context = `seed ${seed}: ${committed.size} committed, ${rolledBack.size} rolled back, ${held} held`;
    console.log(`  gap storm: ${context}`);
    assert.ok(rolledBack.size > 0 && held > 0, `the run must roll back and hold transactions (${context})`);
    const all = await reader.readAll();
    for (const [name, seen] of [
      ['subscription', delivered],
      ['poller', polled],
      ['readAll', all],
    ] as const) {
      const ids = seen.map((e) => e.metadata.eventId);
      for (let i = 1; i < seen.length; i++) {
        assert.ok(
          seen[i]!.globalPosition > seen[i - 1]!.globalPosition,
          `${name}: positions strictly increase (${context})`,
        );
      }
      assert.is(new Set(ids).size, ids.length, `${name}: no event twice (${context})`);
      assert.not.ok(
        ids.some((id) => rolledBack.has(id)),
        `${name}: no event of a rolled-back transaction (${context})`,
      );
      const missing = [...committed].filter((id) => !ids.includes(id));
      assert.equal(missing, [], `${name}: every committed event (${context})`);
      assert.is(ids.length, committed.size, `${name}: nothing but committed events (${context})`);
    }
    assert.equal(
      delivered.map((e) => e.globalPosition),
      all.map((e) => e.globalPosition),
      'the subscription delivered exactly readAll, in readAll order',
    );
    assert.equal(
      polled.map((e) => e.globalPosition),
      all.map((e) => e.globalPosition),
      'the poller read exactly readAll, in readAll order',
    );
    // Rolled-back transactions burned positions: the numbering has holes that nobody waits for.
    const last = all[all.length - 1]!.globalPosition;
    assert.ok(last > BigInt(all.length), `positions have holes where transactions rolled back (${context})`);
  } finally {
    polling = false;
    await poller.catch(() => undefined);
    await subscription.stop();
    for (const store of [...plain, hooked, reader]) await store.close();
  }
});

test('an open append transaction holds back later writers until it commits; a naive sequence table would skip', async () => {
  // Negative control: positions from a sequence at INSERT time, no lock. A reader paging with
  // `position > last` skips the event whose transaction commits after a later position's.
  await db.pool.query('CREATE TABLE naive (position bigserial PRIMARY KEY, id text NOT NULL)');
  const t1 = await db.client();
  const t2 = await db.client();
  await t1.query('BEGIN');
  await t1.query("INSERT INTO naive (id) VALUES ('slow')");
  await t2.query("INSERT INTO naive (id) VALUES ('fast')");
  const firstPage = await db.pool.query<{ position: string; id: string }>(
    'SELECT position, id FROM naive WHERE position > 0 ORDER BY position',
  );
  assert.equal(
    firstPage.rows.map((r) => r.id),
    ['fast'],
  );
  await t1.query('COMMIT');
  const secondPage = await db.pool.query<{ id: string }>('SELECT id FROM naive WHERE position > $1 ORDER BY position', [
    firstPage.rows[0]!.position,
  ]);
  assert.equal(secondPage.rows, [], 'the naive reader never sees the slow event: the gap problem is real');

  // The same interleaving against the store: the second writer cannot take a position while the
  // first transaction is open, so the reader sees nothing, then both in commit order.
  const schema = 'gap_interleaving';
  await migrate(db.pool, { schema });
  const store = new PostgresEventStore({ pool: db.newPool(4), schema });
  await t1.query('BEGIN');
  await rawAppend(t1, schema, 'slow', ['slow-1', 'slow-2']);
  let fastDone = false;
  const fast = store.appendToStream('fast', [newEvent('fast-1')]).then((r) => {
    fastDone = true;
    return r;
  });
  await sleep(300);
  assert.not.ok(fastDone, 'the second append waits for the open transaction');
  assert.equal(await store.readAll(), [], 'nothing is visible while the first transaction is open');
  await t1.query('COMMIT');
  const result = await within(fast, 5_000, 'the second append after the first committed');
  const all = await store.readAll();
  assert.equal(
    all.map((e) => e.metadata.eventId),
    ['slow-1', 'slow-2', 'fast-1'],
  );
  assert.is(result.position, all[2]!.globalPosition);
  assert.ok(all[0]!.globalPosition < all[1]!.globalPosition && all[1]!.globalPosition < all[2]!.globalPosition);

  // A rolled-back open transaction: its positions are burned, the next writer goes on.
  await t1.query('BEGIN');
  await rawAppend(t1, schema, 'slow', ['lost-1']);
  const after = store.appendToStream('fast', [newEvent('fast-2')]);
  await sleep(100);
  await t1.query('ROLLBACK');
  await within(after, 5_000, 'the append after a rollback');
  assert.equal(
    (await store.readAll({ after: all[2]!.globalPosition })).map((e) => e.metadata.eventId),
    ['fast-2'],
  );
  await store.close();
});

test.after(() => db.close());
test.run();
