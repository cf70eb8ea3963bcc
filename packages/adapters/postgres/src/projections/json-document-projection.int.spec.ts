import {
  type EventStore,
  type ProjectedState,
  type Projection,
  type RecordedEvent,
  WrongExpectedVersionError,
  isInvalidInputError,
  narrowStore,
} from '@ordo/kernel';
import { initialProjected, projectBatch } from '@ordo/kernel/adapter-kit';
import pg from 'pg';
import * as assert from 'uvu/assert';
import { test } from 'uvu';
import { PostgresEventStore } from '../event-store/postgres-event-store';
import { migrateExtras } from '../schema/extra-migrations';
import {
  type ExtrasDatabase,
  type OrderEvent,
  invalidInput,
  invalidOptions,
  newOrderEvent,
  openExtrasDatabase,
  thrown,
} from '../test-support';
import { createAsyncProjectionRunner } from './async-projection-runner';
import { inlineProjectionHook } from './inline-projection';
import { JSON_DOCUMENTS_TABLE, createJsonDocumentProjection, jsonDocumentsMigration } from './json-document-projection';

/** Order-sensitive on purpose: `recent` shows whether events were folded in commit order. */
interface Totals {
  readonly count: number;
  readonly byStream: Readonly<Record<string, number>>;
  readonly recent: ReadonlyArray<string>;
}

const totalsProjection = (name: string): Projection<OrderEvent, Totals> => ({
  name,
  initialState: { count: 0, byStream: {}, recent: [] },
  eventTypes: ['ItemAdded'],
  evolve: (model, e) => {
    if (e.event.type !== 'ItemAdded') throw new Error(`evolve got ${e.event.type}`);
    if (e.event.amount === 13) throw new Error('unlucky amount');
    return {
      count: model.count + 1,
      byStream: { ...model.byStream, [e.streamId]: (model.byStream[e.streamId] ?? 0) + e.event.amount },
      recent: [...model.recent, e.metadata.eventId].slice(-25),
    };
  },
});

let db: ExtrasDatabase;
let schema: string;
let second: pg.Pool;
let store: PostgresEventStore;
let other: PostgresEventStore;
let typed: EventStore<OrderEvent>;
const totals = () => createJsonDocumentProjection(totalsProjection('totals'), { pool: db.pool, schema });
/** A projection whose model JSON cannot carry once an event says so. */
const lossy = () =>
  createJsonDocumentProjection<OrderEvent, { readonly at?: unknown }>(
    {
      name: 'lossy',
      initialState: {},
      evolve: (model, e) => (e.event.type === 'Noted' && e.event.text === 'date' ? { at: new Date(0) } : model),
    },
    { pool: db.pool, schema },
  );

/** The pure fold of every stored event: what the document must hold. */
const fold = async (projection: Projection<OrderEvent, Totals>): Promise<ProjectedState<Totals>> =>
  projectBatch(projection, initialProjected(projection), (await typed.readAll()) as RecordedEvent<OrderEvent>[]);

test.before(async () => {
  db = await openExtrasDatabase('pg_json_document');
  schema = db.schema;
  await migrateExtras(db.pool, { schema, extra: [jsonDocumentsMigration(1000)] });
  const hooks = [inlineProjectionHook(totals()), inlineProjectionHook(lossy())];
  store = new PostgresEventStore({ pool: db.pool, schema, inTransaction: hooks });
  // A second store on its own pool behaves like another process appending to the same schema.
  second = new pg.Pool({ connectionString: db.url, max: 10 });
  other = new PostgresEventStore({ pool: second, schema, inTransaction: hooks });
  typed = narrowStore<OrderEvent>(store);
});
test.after(async () => {
  await store.close();
  await other.close();
  await second.end();
  await db.close();
});

test('before any event the model is the initial state, with no position', async () => {
  assert.equal(await totals().current(), { model: { count: 0, byStream: {}, recent: [] }, position: undefined });
});

test('after appends the document equals the pure fold, and commits with the append', async () => {
  await typed.appendToStream('order-1', [
    newOrderEvent({ type: 'ItemAdded', amount: 5 }),
    newOrderEvent({ type: 'Noted', text: 'x' }),
    newOrderEvent({ type: 'ItemAdded', amount: 2 }),
  ]);
  const result = await typed.appendToStream('order-2', [newOrderEvent({ type: 'ItemAdded', amount: 4 })]);
  const doc = totals();
  const state = await doc.current();
  assert.equal(state, await fold(doc.projection));
  assert.equal(state.model.byStream, { 'order-1': 7, 'order-2': 4 });
  assert.is(state.position, result.position, 'the position of the last event folded in');
  // Events of other types are not folded and do not move the position.
  await typed.appendToStream('order-2', [newOrderEvent({ type: 'Noted', text: 'y' })]);
  assert.equal(await doc.current(), state);
});

test('a failed append (wrong expected version) leaves the document untouched', async () => {
  const doc = totals();
  const before = await doc.current();
  try {
    await typed.appendToStream('order-1', [newOrderEvent({ type: 'ItemAdded', amount: 100 })], {
      expectedVersion: 'no_stream',
    });
    assert.unreachable('the append succeeded');
  } catch (error) {
    assert.instance(error, WrongExpectedVersionError);
  }
  assert.equal(await doc.current(), before);
});

test('a throwing evolve fails its append (no events, no document change); its group neighbours commit', async () => {
  const doc = totals();
  const results = await Promise.allSettled([
    typed.appendToStream('order-3', [newOrderEvent({ type: 'ItemAdded', amount: 1 })]),
    typed.appendToStream('order-4', [newOrderEvent({ type: 'ItemAdded', amount: 13 })]),
    typed.appendToStream('order-5', [newOrderEvent({ type: 'ItemAdded', amount: 2 })]),
    typed.appendToStream('order-3', [newOrderEvent({ type: 'ItemAdded', amount: 9 })], {
      expectedVersion: 'no_stream',
    }),
  ]);
  assert.equal(
    results.map((r) => r.status),
    ['fulfilled', 'rejected', 'fulfilled', 'rejected'],
  );
  assert.match(String((results[1] as PromiseRejectedResult).reason), /unlucky amount/);
  assert.equal(await typed.readStream('order-4'), []);
  const state = await doc.current();
  assert.equal(state, await fold(doc.projection));
  assert.is(state.model.byStream['order-4'], undefined);
  assert.is(state.model.byStream['order-3'], 1);
});

test('a model JSON cannot carry fails the append with not_serialisable and stores nothing', async () => {
  const before = await lossy().current();
  try {
    await typed.appendToStream('order-6', [newOrderEvent({ type: 'Noted', text: 'date' })]);
    assert.unreachable('the append succeeded');
  } catch (error) {
    assert.ok(isInvalidInputError(error, 'not_serialisable'), String(error));
    assert.match(String(error), /model\.at/);
  }
  assert.equal(await typed.readStream('order-6'), []);
  assert.equal(await lossy().current(), before);
});

test('concurrent appends from two stores (two processes) give the model of the fold, in commit order', async () => {
  const stores = [typed, narrowStore<OrderEvent>(other)];
  await Promise.all(
    Array.from({ length: 60 }, (_, i) =>
      stores[i % 2]!.appendToStream(`burst-${i % 7}`, [
        newOrderEvent({ type: 'ItemAdded', amount: i % 11 === 0 ? 13 : i + 1 }),
        newOrderEvent({ type: 'ItemAdded', amount: 1 }),
      ]).catch(() => undefined),
    ),
  );
  const doc = totals();
  const expected = await fold(doc.projection);
  assert.equal(await doc.current(), expected);
  assert.is(expected.model.count, (await typed.readAll()).filter((e) => e.event.type === 'ItemAdded').length);
});

test('rebuild folds a new projection from position zero under the write lock; appends continue after it', async () => {
  const late = createJsonDocumentProjection(totalsProjection('totals-late'), { pool: db.pool, schema });
  assert.equal((await late.current()).position, undefined);
  const rebuilt = await late.rebuild(typed, 7);
  assert.equal(rebuilt, await fold(late.projection));
  assert.equal(await late.current(), rebuilt);
  // Not in the stores' hooks: an append leaves it behind, a second rebuild catches up.
  await typed.appendToStream('order-7', [newOrderEvent({ type: 'ItemAdded', amount: 3 })]);
  assert.equal(await late.current(), rebuilt);
  assert.equal(await late.rebuild(typed), await fold(late.projection));
  await late.reset();
  assert.equal(await late.current(), initialProjected(late.projection));
  assert.equal(await totals().current(), await fold(totals().projection), 'the inline one is unaffected');
});

test('the same helper runs as an async projection: batches commit with the checkpoint', async () => {
  const doc = createJsonDocumentProjection(totalsProjection('totals-async'), { pool: db.pool, schema });
  const runner = createAsyncProjectionRunner({ pool: db.pool, schema, store: typed, projection: doc, owner: 'r1' });
  try {
    while ((await runner.runOnce()) > 0);
  } finally {
    await runner.stop();
  }
  assert.equal(await doc.current(), await fold(doc.projection));
});

test('names are validated before any SQL: table, schema, projection; the migration validates its table', () => {
  const projection = totalsProjection('x');
  // The `table` and `schema` options: the one options error, naming the option.
  assert.equal(
    thrown(() => createJsonDocumentProjection(projection, { pool: db.pool, table: 'x"; DROP' })),
    invalidOptions('table'),
  );
  assert.equal(
    thrown(() => createJsonDocumentProjection(projection, { pool: db.pool, schema: 'Bad' })),
    invalidOptions('schema'),
  );
  assert.equal(
    thrown(() => createJsonDocumentProjection({ ...projection, name: '' }, { pool: db.pool })),
    invalidInput('invalid_projection_name', 'projection.name'),
  );
  // The migration's `table` argument keeps its own code.
  assert.equal(
    thrown(() => jsonDocumentsMigration(1000, 'no-dashes')),
    invalidInput('invalid_table_name', 'table'),
  );
  assert.is(
    createJsonDocumentProjection(projection, { pool: db.pool, schema }).table,
    `"${schema}"."${JSON_DOCUMENTS_TABLE}"`,
  );
});

test.run();
