import { isWrongExpectedVersionError, type RecordedEvent } from '@ordo/kernel';
import { eventStoreConformance } from '@ordo/kernel/testing';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { migrate } from '../schema/migrate';
import { newEvent, openTestDatabase, sleep, within } from '../test-support';
import { createPostgresEventStore, PostgresEventStore } from './postgres-event-store';

const db = await openTestDatabase('pg_event_store', 30);

// The kernel's conformance suite against the real server: every case gets its own schema.
let schemas = 0;
eventStoreConformance(test, {
  create: async () => createPostgresEventStore({ pool: db.pool, schema: `conformance_${++schemas}` }),
  // The gap case holds appends in an in-transaction hook: after positions are drawn, before COMMIT.
  createHeld: async (hold) =>
    createPostgresEventStore({
      pool: db.pool,
      schema: `conformance_${++schemas}`,
      inTransaction: [(_client, appended) => hold(appended)],
    }),
  dispose: async (store) => (store as PostgresEventStore).close(),
});

const ids = (events: ReadonlyArray<RecordedEvent>) => events.map((e) => e.metadata.eventId);

const rejectionOf = async (action: () => Promise<unknown>): Promise<Error & Record<string, unknown>> => {
  try {
    await action();
  } catch (error) {
    return error as Error & Record<string, unknown>;
  }
  throw new Error('expected a rejection');
};

const fresh = async (schema: string, options: Partial<ConstructorParameters<typeof PostgresEventStore>[0]> = {}) => {
  await migrate(db.pool, { schema });
  return new PostgresEventStore({ pool: db.newPool(4), schema, ...options });
};

test('soft delete: reads hide the stream, $all keeps it, the id starts again from no_stream at 0', async () => {
  const store = await fresh('soft_delete');
  await store.appendToStream('order-1', [newEvent('a'), newEvent('b'), newEvent('c')]);
  await store.appendToStream('other', [newEvent('x')]);
  const wrong = await rejectionOf(() => store.deleteStream('order-1', { expectedVersion: 1n }));
  assert.ok(isWrongExpectedVersionError(wrong));
  assert.is(wrong['actual'], 2n);
  assert.is(await store.deleteStream('order-1', { expectedVersion: 2n }), true);
  assert.equal(await store.readStream('order-1'), []);
  assert.equal(await store.readStream('order-1', { direction: 'backwards' }), []);
  assert.equal(ids(await store.readAll()), ['a', 'b', 'c', 'x'], '$all keeps the history');

  for (const expectedVersion of ['stream_exists', 2n, 0n] as const) {
    const conflict = await rejectionOf(() => store.appendToStream('order-1', [newEvent('y')], { expectedVersion }));
    assert.ok(isWrongExpectedVersionError(conflict));
    assert.is(conflict['actual'], 'no_stream', 'a deleted stream counts as absent');
  }
  const duplicate = await rejectionOf(() =>
    store.appendToStream('order-1', [newEvent('a')], { expectedVersion: 'no_stream' }),
  );
  assert.is(duplicate['code'], 'duplicate_event_id', 'ids of deleted events stay taken');

  const recreated = await store.appendToStream('order-1', [newEvent('d')], { expectedVersion: 'no_stream' });
  assert.is(recreated.nextExpectedVersion, 0n);
  const retry = await store.appendToStream('order-1', [newEvent('d')], { expectedVersion: 'no_stream' });
  assert.equal(retry, recreated, 'idempotent retry on the recreated stream');
  assert.equal(ids(await store.readStream('order-1')), ['d']);
  assert.equal(
    (await store.readStream('order-1')).map((e) => e.streamVersion),
    [0n],
  );
  assert.equal(ids(await store.readAll()), ['a', 'b', 'c', 'x', 'd']);

  assert.is(await store.deleteStream('missing'), false);
  const missing = await rejectionOf(() => store.deleteStream('missing', { expectedVersion: 'stream_exists' }));
  assert.ok(isWrongExpectedVersionError(missing));
  assert.is(await store.deleteStream('missing', { expectedVersion: 'no_stream' }), false);
  await store.close();
});

test('what PostgreSQL cannot store is refused with InvalidInputError and nothing is written', async () => {
  const store = await fresh('unstorable', { maxEventBytes: 2_000 });
  await store.appendToStream('s', [newEvent('first')]);
  const cases: ReadonlyArray<readonly [string, string, () => Promise<unknown>]> = [
    ['U+0000 in data', 'not_serialisable', () => store.appendToStream('s', [newEvent('n1', { text: 'a\u0000b' })])],
    [
      'a lone surrogate in data',
      'not_serialisable',
      () => store.appendToStream('s', [newEvent('n2', { text: 'x\ud800' })]),
    ],
    [
      'a lone surrogate in a key',
      'not_serialisable',
      () => store.appendToStream('s', [newEvent('n3', { ['k\udc00']: 1 })]),
    ],
    [
      'U+0000 in a header',
      'not_serialisable',
      () =>
        store.appendToStream('s', [
          { ...newEvent('n4'), metadata: { ...newEvent('n4').metadata, headers: { h: '\u0000' } } },
        ]),
    ],
    ['U+0000 in an event id', 'not_serialisable', () => store.appendToStream('s', [newEvent('n\u00005')])],
    [
      'U+0000 in the type',
      'not_serialisable',
      () => store.appendToStream('s', [{ ...newEvent('n6'), event: { type: 'T\u0000' } }]),
    ],
    ['a lone surrogate in the stream id', 'invalid_stream_id', () => store.appendToStream('s\ud800', [newEvent('n7')])],
    [
      'an event over maxEventBytes',
      'event_too_large',
      () => store.appendToStream('s', [newEvent('n8', { text: 'x'.repeat(3_000) })]),
    ],
    [
      'an event id over 512 characters',
      'invalid_metadata',
      () => store.appendToStream('s', [newEvent('i'.repeat(513))]),
    ],
    [
      'a second event that is bad',
      'not_serialisable',
      () => store.appendToStream('s', [newEvent('n9'), newEvent('n10', { text: '\u0000' })]),
    ],
  ];
  for (const [label, code, attempt] of cases) {
    const error = await rejectionOf(attempt);
    assert.is(error.name, 'InvalidInputError', label);
    assert.is(error['code'], code, label);
  }
  assert.equal(ids(await store.readAll()), ['first']);
  for (const options of [
    { maxCount: -1 },
    { maxCount: 1.5 },
    { fromVersion: -1n },
    { direction: 'sideways' },
    { tenantId: 7 },
  ]) {
    const error = await rejectionOf(() => store.readStream('s', options as never));
    assert.is(
      error['code'],
      'invalid_read_options',
      JSON.stringify(options, (_k, v: unknown) => (typeof v === 'bigint' ? `${v}n` : v)),
    );
  }
  assert.is((await rejectionOf(() => store.readAll({ after: 3 as never })))['code'], 'invalid_read_options');
  assert.equal(await store.readAll({ maxCount: 0 }), []);
  await store.close();
});

test('tenants: reads filtered in SQL never cross tenants, deep in a shared stream', async () => {
  const store = await fresh('tenants');
  await store.appendToStream('shared', [newEvent('a1', {}, 'acme'), newEvent('g1', {}, 'globex'), newEvent('n1')]);
  await store.appendToStream('shared', [newEvent('a2', {}, 'acme')]);
  assert.equal(ids(await store.readStream('shared', { tenantId: 'acme' })), ['a1', 'a2']);
  assert.equal(ids(await store.readStream('shared', { tenantId: 'acme', fromVersion: 1n })), ['a2']);
  assert.equal(ids(await store.readStream('shared', { tenantId: 'globex', direction: 'backwards' })), ['g1']);
  assert.equal(ids(await store.readAll({ tenantId: 'acme', maxCount: 1 })), ['a1']);
  assert.equal(ids(await store.readAll({ tenantId: 'nobody' })), []);
  const rows = await db.pool.query<{ tenant_id: string | null }>(
    'SELECT tenant_id FROM tenants.ordo_events ORDER BY global_position',
  );
  assert.equal(
    rows.rows.map((r) => r.tenant_id),
    ['acme', 'globex', null, 'acme'],
    'every event carries its tenant in tenant_id',
  );
  await store.close();
});

test('live subscriptions wake on NOTIFY from another process, and the listener comes back after it is killed', async () => {
  const schema = 'notify';
  const subscriber = await fresh(schema, { pollIntervalMs: 20_000 });
  const writer = new PostgresEventStore({ pool: db.newPool(2), schema });
  const seen: string[] = [];
  const sub = subscriber.subscribeToAll({ onEvent: (e) => void seen.push(e.metadata.eventId) });
  await within(sub.caughtUp, 5_000, 'caughtUp');
  const deliveredWithin = async (id: string, ms: number) => {
    const t0 = Date.now();
    while (!seen.includes(id)) {
      if (Date.now() - t0 > ms) throw new Error(`${id} not delivered within ${ms} ms (poll interval is 20 s)`);
      await sleep(5);
    }
  };
  while (!subscriber.listening) await sleep(5);
  await writer.appendToStream('s', [newEvent('live-1')]);
  await deliveredWithin('live-1', 2_000);

  const killer = await db.client();
  await killer.query(
    "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = current_database() AND query LIKE 'LISTEN%'",
  );
  while (subscriber.listening) await sleep(5);
  await writer.appendToStream('s', [newEvent('live-2')]);
  await deliveredWithin('live-2', 3_000);
  while (!subscriber.listening) await sleep(5);
  await writer.appendToStream('s', [newEvent('live-3')]);
  await deliveredWithin('live-3', 2_000);
  assert.equal(seen, ['live-1', 'live-2', 'live-3']);
  await sub.stop();
  await subscriber.close();
  await writer.close();
});

test('without LISTEN (listen: false) subscriptions poll', async () => {
  const schema = 'polling';
  const subscriber = await fresh(schema, { pollIntervalMs: 50, listen: false });
  const writer = new PostgresEventStore({ pool: db.newPool(2), schema });
  const seen: string[] = [];
  const sub = subscriber.subscribeToAll({ onEvent: (e) => void seen.push(e.metadata.eventId) });
  await within(sub.caughtUp, 5_000, 'caughtUp');
  await writer.appendToStream('s', [newEvent('p-1'), newEvent('p-2')]);
  const t0 = Date.now();
  while (seen.length < 2 && Date.now() - t0 < 3_000) await sleep(10);
  assert.equal(seen, ['p-1', 'p-2']);
  assert.not.ok(subscriber.listening);
  await subscriber.close();
  await writer.close();
});

test('close() stops subscriptions, waits for queued appends, and refuses new ones', async () => {
  const store = await fresh('closing');
  const sub = store.subscribeToAll({ onEvent: () => undefined });
  const pending = Array.from({ length: 20 }, (_, i) => store.appendToStream(`s${i}`, [newEvent(`c${i}`)]));
  await store.close();
  assert.is((await Promise.allSettled(pending)).filter((s) => s.status === 'fulfilled').length, 20);
  await within(sub.done, 2_000, 'the subscription ends');
  await rejectionOf(() => store.appendToStream('s', [newEvent('late')]));
  const reader = new PostgresEventStore({ pool: db.pool, schema: 'closing' });
  assert.is((await reader.readAll()).length, 20);
});

test.after(() => db.close());
test.run();
