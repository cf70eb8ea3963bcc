import { type EventStore, type ProjectionHandler, type RecordedEvent, narrowStore } from '@ordo/kernel';
import type { PoolClient } from 'pg';
import * as assert from 'uvu/assert';
import { test } from 'uvu';
import { loadCheckpoint } from '../checkpoints/postgres-checkpoint-store';
import { leaseHolder } from '../leases/lease';
import { PostgresEventStore } from '../event-store/postgres-event-store';
import { migrateExtras } from '../schema/extra-migrations';
import { qualified } from '../schema/qualified-name';
import {
  type ExtrasDatabase,
  type OrderEvent,
  applyTotals,
  createTotalsTable,
  expectedTotals,
  invalidOptions,
  newOrderEvent,
  openExtrasDatabase,
  readTotals,
  rejected,
  sleep,
  thrown,
} from '../test-support';
import { createAsyncProjectionRunner } from './async-projection-runner';
import { projectionLeaseName } from './projection-step';
import { LeaseHeldError, rebuildAsyncProjection } from './rebuild';

let db: ExtrasDatabase;
test.before(async () => {
  db = await openExtrasDatabase('pg_async_projection');
});
test.after(async () => {
  await db.close();
});

let schemaCounter = 0;
interface Fixture {
  readonly schema: string;
  readonly store: PostgresEventStore;
  readonly typed: EventStore<OrderEvent>;
}
/** A fresh schema with the event store, the extra tables and the totals read model. */
const fixture = async (): Promise<Fixture> => {
  const schema = `proj_t${++schemaCounter}`;
  await migrateExtras(db.pool, { schema });
  await db.pool.query(createTotalsTable(schema));
  const store = new PostgresEventStore({ pool: db.pool, schema });
  return { schema, store, typed: narrowStore<OrderEvent>(store) };
};

/** Appends `perStream` events to each of `streams` streams, interleaved; every fifth is a `Noted`. */
const appendSome = async (f: Fixture, streams: number, perStream: number, prefix = 'order-'): Promise<void> => {
  let n = 0;
  for (let v = 0; v < perStream; v++) {
    for (let s = 0; s < streams; s++) {
      n++;
      const event: OrderEvent = n % 5 === 0 ? { type: 'Noted', text: `n${n}` } : { type: 'ItemAdded', amount: n };
      await f.typed.appendToStream(`${prefix}${s}`, [newOrderEvent(event)]);
    }
  }
};

const totalsProjection = (
  schema: string,
  name = 'totals',
  hooks: { before?: (events: ReadonlyArray<RecordedEvent<OrderEvent>>, client: PoolClient) => Promise<void> } = {},
): ProjectionHandler<OrderEvent, PoolClient> => ({
  name,
  eventTypes: ['ItemAdded'],
  handle: async (events, client) => {
    await hooks.before?.(events, client);
    await applyTotals(schema, events, client);
  },
});

const allEvents = (f: Fixture) => f.store.readAll();
const lastPosition = async (f: Fixture) => (await allEvents(f)).at(-1)?.globalPosition;

const drain = async (runner: { runOnce(): Promise<number> }) => {
  for (let i = 0; i < 1000; i++) if ((await runner.runOnce()) === 0) return;
  throw new Error('the runner never caught up');
};

test('a runner projects every event once, in batches, and stores the checkpoint with each batch', async () => {
  const f = await fixture();
  await appendSome(f, 4, 6);
  const batches: number[] = [];
  const runner = createAsyncProjectionRunner({
    pool: db.pool,
    schema: f.schema,
    store: f.typed,
    projection: totalsProjection(f.schema, 'totals', { before: async (events) => void batches.push(events.length) }),
    owner: 'runner-a',
    batchSize: 5,
  });
  await drain(runner);
  const events = await allEvents(f);
  assert.equal(await readTotals(db.pool, f.schema), expectedTotals(events));
  assert.is(await loadCheckpoint(db.pool, f.schema, 'totals'), await lastPosition(f));
  assert.ok(batches.length >= 4, 'several batches');
  assert.ok(
    batches.every((n) => n <= 5),
    'each batch at most batchSize (Noted events filtered out)',
  );
  await runner.stop();
  assert.is(await leaseHolder(db.pool, f.schema, projectionLeaseName('totals')), undefined, 'stop released the lease');
});

test('a failing handler leaves the read model and the checkpoint of its batch unchanged', async () => {
  const f = await fixture();
  await appendSome(f, 3, 6);
  let failAt: number | undefined = 13;
  const runner = createAsyncProjectionRunner({
    pool: db.pool,
    schema: f.schema,
    store: f.typed,
    // Writes its batch first, then throws when the batch holds amount 13: the writes must vanish.
    projection: {
      name: 'totals',
      eventTypes: ['ItemAdded'],
      handle: async (events, client) => {
        await applyTotals(f.schema, events, client);
        if (events.some((e) => e.event.type === 'ItemAdded' && e.event.amount === failAt)) {
          throw new Error('handler failed');
        }
      },
    },
    owner: 'runner-a',
    batchSize: 4,
  });
  let error: unknown;
  try {
    await drain(runner);
  } catch (e) {
    error = e;
  }
  assert.match(String(error), /handler failed/);
  const checkpoint = await loadCheckpoint(db.pool, f.schema, 'totals');
  assert.ok(checkpoint !== undefined && checkpoint < (await lastPosition(f))!, 'stopped before the end');
  const events = await allEvents(f);
  const failing = events.find((e) => {
    const event = e.event as OrderEvent;
    return event.type === 'ItemAdded' && event.amount === 13;
  });
  assert.ok(failing && failing.globalPosition > checkpoint, 'the failing batch was not checkpointed');
  assert.equal(
    await readTotals(db.pool, f.schema),
    expectedTotals(events, checkpoint),
    'the model is exactly the events up to the checkpoint',
  );
  failAt = undefined;
  await drain(runner);
  assert.equal(await readTotals(db.pool, f.schema), expectedTotals(events), 'the retry applied each event once');
  await runner.stop();
});

test('two runners of one projection: one works at a time; the other takes over when the holder dies', async () => {
  const f = await fixture();
  await appendSome(f, 4, 5);
  const leaseMs = 1000;
  const options = { pool: db.pool, schema: f.schema, projection: totalsProjection(f.schema), batchSize: 3, leaseMs };
  // Runner A's reads can be made to hang: a process that froze while holding the lease.
  let freezeA = false;
  let unfreezeA: () => void = () => undefined;
  let frozenEntered: () => void = () => undefined;
  const frozen = new Promise<void>((resolve) => (unfreezeA = resolve));
  const entered = new Promise<void>((resolve) => (frozenEntered = resolve));
  const storeA: EventStore<OrderEvent> = {
    ...f.typed,
    readAll: async (o) => {
      if (freezeA) {
        frozenEntered();
        await frozen;
      }
      return f.typed.readAll(o);
    },
  };
  const a = createAsyncProjectionRunner({ ...options, store: storeA, owner: 'runner-a' });
  const b = createAsyncProjectionRunner({ ...options, store: f.typed, owner: 'runner-b' });

  assert.ok((await a.runOnce()) > 0, 'A takes the lease and works');
  const afterA = await loadCheckpoint(db.pool, f.schema, 'totals');
  assert.is(await b.runOnce(), 0, 'B stands by while A holds the lease');
  assert.is(await loadCheckpoint(db.pool, f.schema, 'totals'), afterA, 'B changed nothing');

  freezeA = true;
  const stuck = a.runOnce(); // A renews its lease, then hangs reading: it will never renew again
  await entered;
  const frozeAt = Date.now();
  assert.is(await b.runOnce(), 0, 'the lease is still live');
  let tookOver = 0;
  while (tookOver === 0 && Date.now() - frozeAt < 10_000) {
    await sleep(50);
    tookOver = await b.runOnce();
  }
  assert.ok(tookOver > 0, 'B took over once the lease expired');
  assert.ok(Date.now() - frozeAt >= leaseMs - 100, 'not before the lease expired');
  await drain(b);
  assert.is(await leaseHolder(db.pool, f.schema, projectionLeaseName('totals')), 'runner-b', 'B took over');
  await appendSome(f, 2, 2, 'late-');
  await drain(b);

  unfreezeA(); // A wakes with a batch read long ago, from an old checkpoint: it must commit nothing
  assert.is(await stuck, 0, "the stale runner's batch was refused");
  const events = await allEvents(f);
  assert.equal(await readTotals(db.pool, f.schema), expectedTotals(events), 'every event applied exactly once');
  assert.is(await loadCheckpoint(db.pool, f.schema, 'totals'), await lastPosition(f));
  await b.stop();
  await a.stop();
});

test('running loops of two runners under concurrent appends end with every event applied once', async () => {
  const f = await fixture();
  const options = {
    pool: db.pool,
    schema: f.schema,
    store: f.typed,
    projection: totalsProjection(f.schema),
    batchSize: 7,
    leaseMs: 300,
    pollMs: 20,
  };
  const a = createAsyncProjectionRunner({ ...options, owner: 'runner-a' });
  const b = createAsyncProjectionRunner({ ...options, owner: 'runner-b' });
  a.start();
  b.start();
  const writers = Array.from({ length: 4 }, (_, w) => appendSome(f, 3, 8, `w${w}-`));
  await sleep(150);
  await a.stop(); // releases the lease: B (or nobody, if B had it) carries on without a gap
  await Promise.all(writers);
  const last = await lastPosition(f);
  const deadline = Date.now() + 20_000;
  while ((await loadCheckpoint(db.pool, f.schema, 'totals')) !== last && Date.now() < deadline) await sleep(30);
  await b.stop();
  assert.is(await loadCheckpoint(db.pool, f.schema, 'totals'), last);
  assert.equal(await readTotals(db.pool, f.schema), expectedTotals(await allEvents(f)));
});

test('rebuild resets the model and the checkpoint together and replays from position zero', async () => {
  const f = await fixture();
  await appendSome(f, 3, 4);
  const runner = createAsyncProjectionRunner({
    pool: db.pool,
    schema: f.schema,
    store: f.typed,
    projection: totalsProjection(f.schema),
    owner: 'runner-a',
    batchSize: 4,
  });
  await drain(runner);
  await db.pool.query(`UPDATE ${qualified(f.schema, 'order_totals')} SET total = 999`); // a broken model
  const result = await runner.rebuild(async (client) => {
    await client.query(`TRUNCATE ${qualified(f.schema, 'order_totals')}`);
  });
  const events = await allEvents(f);
  assert.is(result.events, events.length);
  assert.is(result.checkpoint, await lastPosition(f));
  assert.equal(await readTotals(db.pool, f.schema), expectedTotals(events));

  // Another runner holds the lease: a rebuild refuses to start (and touches nothing).
  assert.ok((await runner.runOnce()) === 0);
  let resetCalled = false;
  try {
    await rebuildAsyncProjection({
      pool: db.pool,
      schema: f.schema,
      store: f.typed,
      projection: totalsProjection(f.schema),
      owner: 'rebuilder',
      reset: async () => {
        resetCalled = true;
      },
    });
    assert.unreachable('rebuild ran under a held lease');
  } catch (e) {
    assert.instance(e, LeaseHeldError);
  }
  assert.not.ok(resetCalled);
  await runner.stop();
  const rebuilt = await rebuildAsyncProjection({
    pool: db.pool,
    schema: f.schema,
    store: f.typed,
    projection: totalsProjection(f.schema),
    owner: 'rebuilder',
    batchSize: 100,
    reset: async (client) => void (await client.query(`TRUNCATE ${qualified(f.schema, 'order_totals')}`)),
  });
  assert.is(rebuilt.checkpoint, await lastPosition(f));
  assert.equal(await readTotals(db.pool, f.schema), expectedTotals(events));
  assert.is(await leaseHolder(db.pool, f.schema, projectionLeaseName('totals')), undefined, 'released afterwards');
});

test('bad options are refused', async () => {
  const base = { pool: db.pool, store: { readAll: async () => [] }, projection: totalsProjection('x'), owner: 'o' };
  for (const [options, path] of [
    [{ schema: 'no good' }, 'schema'],
    [{ batchSize: 0 }, 'batchSize'],
    [{ leaseMs: -1 }, 'leaseMs'],
    [{ pollMs: Number.POSITIVE_INFINITY }, 'pollMs'],
  ] as const) {
    assert.equal(
      thrown(() => createAsyncProjectionRunner({ ...base, ...options })),
      invalidOptions(path),
      path,
    );
  }
  const rebuild = { ...base, reset: async () => undefined };
  for (const [options, path] of [
    [{ schema: 'no good' }, 'schema'],
    [{ batchSize: 2.5 }, 'batchSize'],
    [{ leaseMs: 0 }, 'leaseMs'],
  ] as const) {
    assert.equal(await rejected(() => rebuildAsyncProjection({ ...rebuild, ...options })), invalidOptions(path), path);
  }
});

test.run();
