import { type EventStore, type ProjectionHandler, WrongExpectedVersionError, narrowStore } from '@ordo/kernel';
import type { PoolClient } from 'pg';
import * as assert from 'uvu/assert';
import { test } from 'uvu';
import { PostgresEventStore } from '../event-store/postgres-event-store';
import { PostgresOutbox, outboxHook } from '../outbox/postgres-outbox';
import { migrateExtras } from '../schema/extra-migrations';
import {
  type ExtrasDatabase,
  type OrderEvent,
  applyTotals,
  createTotalsTable,
  expectedTotals,
  newOrderEvent,
  openExtrasDatabase,
  readTotals,
} from '../test-support';
import { inlineProjectionHook } from './inline-projection';

let db: ExtrasDatabase;
let schema: string;
let store: PostgresEventStore;
let typed: EventStore<OrderEvent>;
let outbox: PostgresOutbox;
const calls: string[][] = [];

/** Totals, inline; refuses a negative amount by throwing, which must fail the whole append. */
const totals = (): ProjectionHandler<OrderEvent, PoolClient> => ({
  name: 'totals-inline',
  eventTypes: ['ItemAdded'],
  handle: async (events, client) => {
    calls.push(events.map((e) => e.event.type));
    await applyTotals(schema, events, client);
    if (events.some((e) => e.event.type === 'ItemAdded' && e.event.amount < 0)) {
      throw new Error('negative amount');
    }
  },
});

test.before(async () => {
  db = await openExtrasDatabase('pg_inline_projection');
  schema = db.schema;
  await migrateExtras(db.pool, { schema });
  await db.pool.query(createTotalsTable(schema));
  store = new PostgresEventStore({
    pool: db.pool,
    schema,
    inTransaction: [inlineProjectionHook(totals()), outboxHook(schema)],
  });
  typed = narrowStore<OrderEvent>(store);
  outbox = new PostgresOutbox({ pool: db.pool, schema });
});
test.after(async () => {
  await store.close();
  await db.close();
});

test('the read model changes in the append transaction: visible as soon as the append resolves', async () => {
  await typed.appendToStream('order-1', [
    newOrderEvent({ type: 'ItemAdded', amount: 5 }),
    newOrderEvent({ type: 'Noted', text: 'x' }),
  ]);
  assert.equal((await readTotals(db.pool, schema))['order-1'], { total: 5, items: 1 });
  assert.equal(calls.at(-1), ['ItemAdded'], 'the handler only sees the event types it reads');
  const noted = calls.length;
  await typed.appendToStream('order-1', [newOrderEvent({ type: 'Noted', text: 'y' })]);
  assert.is(calls.length, noted, 'not called when no appended event is of its types');
});

test('a throwing inline handler fails the append: no events, no read-model writes, no outbox rows', async () => {
  const before = await store.readStream('order-2');
  const pendingBefore = await outbox.pending();
  try {
    await typed.appendToStream('order-2', [
      newOrderEvent({ type: 'ItemAdded', amount: 3 }),
      newOrderEvent({ type: 'ItemAdded', amount: -1 }),
    ]);
    assert.unreachable('the append succeeded');
  } catch (e) {
    assert.match(String(e), /negative amount/);
  }
  assert.equal(await store.readStream('order-2'), before, 'no event was stored');
  assert.is((await readTotals(db.pool, schema))['order-2'], undefined, 'the handler writes rolled back');
  assert.is(await outbox.pending(), pendingBefore, 'no outbox row');
});

test('a failing append does not fail its neighbours in the same commit group', async () => {
  const results = await Promise.allSettled([
    typed.appendToStream('order-3', [newOrderEvent({ type: 'ItemAdded', amount: 1 })]),
    typed.appendToStream('order-4', [newOrderEvent({ type: 'ItemAdded', amount: -4 })]),
    typed.appendToStream('order-5', [newOrderEvent({ type: 'ItemAdded', amount: 2 })]),
    typed.appendToStream('order-3', [newOrderEvent({ type: 'ItemAdded', amount: 9 })], {
      expectedVersion: 'no_stream',
    }),
  ]);
  assert.equal(
    results.map((r) => r.status),
    ['fulfilled', 'rejected', 'fulfilled', 'rejected'],
  );
  assert.instance((results[3] as PromiseRejectedResult).reason, WrongExpectedVersionError);
  const model = await readTotals(db.pool, schema);
  assert.equal(model['order-3'], { total: 1, items: 1 });
  assert.is(model['order-4'], undefined);
  assert.equal(model['order-5'], { total: 2, items: 1 });
});

test('the model always equals the fold of the stored events, after concurrent appends', async () => {
  await Promise.all(
    Array.from({ length: 40 }, (_, i) =>
      typed
        .appendToStream(`burst-${i % 7}`, [newOrderEvent({ type: 'ItemAdded', amount: i % 9 === 0 ? -i : i + 1 })])
        .catch(() => undefined),
    ),
  );
  assert.equal(await readTotals(db.pool, schema), expectedTotals(await store.readAll()));
});

test('the outbox hook writes one message per committed event, with its recorded stream version and position', async () => {
  const result = await typed.appendToStream('cart-9', [
    newOrderEvent({ type: 'ItemAdded', amount: 1 }),
    newOrderEvent({ type: 'ItemAdded', amount: 2 }),
  ]);
  const recorded = await store.readStream('cart-9');
  const messages = await outbox.claim({ owner: 'check', batchSize: 1000, leaseMs: 10_000 });
  const cart = messages.filter((m) => m.streamId === 'cart-9');
  assert.equal(
    cart.map((m) => [m.id, m.streamVersion, m.globalPosition, m.topic]),
    recorded.map((e) => [e.metadata.eventId, e.streamVersion, e.globalPosition, 'cart']),
  );
  assert.is(cart.at(-1)?.globalPosition, result.position);
  await outbox.release(
    'check',
    messages.map((m) => m.id),
  );
  // Every stored event has exactly one message; the failed appends left none.
  const all = await store.readAll();
  assert.is(await outbox.pending(), all.length);
});

test.run();
