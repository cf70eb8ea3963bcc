import { WrongExpectedVersionError as ClientWrongExpectedVersionError } from '@eventstore/db-client';
import { InvalidInputError, WrongExpectedVersionError, type EventMetadata, type NewEvent } from '@ordo/kernel';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { createEventStoreDbAdapter, type EventStoreDbAdapterOptions } from '../client/eventstoredb-adapter';
import { FakeEventStoreDbClient, invalidOptions, thrown } from '../test-support';
import { toEsdbEventId } from './event-id';
import { EventStoreDbEventStore, type EventStoreDbEventStoreOptions } from './eventstoredb-event-store';

type Ev = { type: 'Added'; n: number } | { type: 'Removed'; n: number };

const meta = (eventId: string, extra: Partial<EventMetadata> = {}): EventMetadata => ({
  eventId,
  correlationId: 'corr',
  causationId: 'cause',
  occurredAt: '2024-01-01T00:00:00.000Z',
  ...extra,
});
const added = (eventId: string, n = 1, extra: Partial<EventMetadata> = {}): NewEvent<Ev> => ({
  event: { type: 'Added', n },
  metadata: meta(eventId, extra),
});

const setup = (prefix = 'app-') => {
  const client = new FakeEventStoreDbClient();
  const store = new EventStoreDbEventStore<Ev>(client, {
    streamPrefix: prefix,
    subscriptions: { liveNotifications: false },
  });
  return { client, store };
};

const rejection = async (p: Promise<unknown>): Promise<unknown> => {
  try {
    await p;
  } catch (e) {
    return e;
  }
  throw new Error('expected a rejection');
};

test('append then read: versions from 0n, positions from $all, data and metadata round trip', async () => {
  const { store } = setup();
  const r1 = await store.appendToStream('s-1', [added('e1', 1, { tenantId: 't', traceparent: 'tp' }), added('e2', 2)], {
    expectedVersion: 'no_stream',
  });
  assert.is(r1.nextExpectedVersion, 1n);
  const events = await store.readStream('s-1');
  assert.equal(
    events.map((e) => [e.streamId, e.streamVersion, e.event]),
    [
      ['s-1', 0n, { type: 'Added', n: 1 }],
      ['s-1', 1n, { type: 'Added', n: 2 }],
    ],
  );
  assert.equal(events[0]?.metadata, meta('e1', { tenantId: 't', traceparent: 'tp' }));
  assert.is(r1.position, events[1]?.globalPosition, 'the append answers the position of its last event');
  const all = await store.readAll();
  assert.equal(
    all.map((e) => e.globalPosition),
    events.map((e) => e.globalPosition),
  );
});

test('a non-UUID event id is stored under its derived UUID and read back as given', async () => {
  const { client, store } = setup();
  await store.appendToStream('s-1', [added('cmd-1:0')]);
  let storedId = '';
  for await (const r of client.readStream('app-s-1')) storedId = r.event?.id ?? '';
  assert.is(storedId, toEsdbEventId('cmd-1:0'));
  assert.is((await store.readStream('s-1'))[0]?.metadata.eventId, 'cmd-1:0');
});

test('a wrong expected version rejects with our error and the real current revision, writing nothing', async () => {
  const { store } = setup();
  await store.appendToStream('s-1', [added('e1'), added('e2')]);
  const error = await rejection(store.appendToStream('s-1', [added('e3')], { expectedVersion: 0n }));
  assert.instance(error, WrongExpectedVersionError);
  assert.equal([(error as WrongExpectedVersionError).expected, (error as WrongExpectedVersionError).actual], [0n, 1n]);
  const missing = await rejection(store.appendToStream('s-2', [added('e4')], { expectedVersion: 'stream_exists' }));
  assert.is((missing as WrongExpectedVersionError).actual, 'no_stream');
  const exists = await rejection(store.appendToStream('s-1', [added('e5')], { expectedVersion: 'no_stream' }));
  assert.is((exists as WrongExpectedVersionError).actual, 1n);
  assert.is((await store.readStream('s-1')).length, 2);
});

test('re-appending the same ids at the same expectation succeeds, writes nothing, answers the stored version and position', async () => {
  const { store } = setup();
  const first = await store.appendToStream('s-1', [added('a'), added('b')], { expectedVersion: 'no_stream' });
  await store.appendToStream('s-1', [added('c')], { expectedVersion: 1n });
  const retry = await store.appendToStream('s-1', [added('a'), added('b')], { expectedVersion: 'no_stream' });
  assert.equal(retry, first);
  const anyRetry = await store.appendToStream('s-1', [added('c')]);
  assert.is(anyRetry.nextExpectedVersion, 2n);
  assert.is((await store.readStream('s-1')).length, 3);
});

test('an id already in the stream under a met expectation is duplicate_event_id, nothing written', async () => {
  const { store } = setup();
  await store.appendToStream('s-1', [added('a'), added('b')]);
  const error = await rejection(store.appendToStream('s-1', [added('z'), added('a')], { expectedVersion: 1n }));
  assert.instance(error, InvalidInputError);
  assert.is((error as InvalidInputError).code, 'duplicate_event_id');
  assert.is((await store.readStream('s-1')).length, 2);
});

test('bad input is refused before any call to the server', async () => {
  const { client, store } = setup();
  const cases: Array<[Promise<unknown>, string]> = [
    [store.appendToStream('', [added('a')]), 'empty_stream_id'],
    [store.appendToStream('s', []), 'empty_append'],
    [store.appendToStream('s', [added('a'), added('a')]), 'duplicate_event_id'],
    [store.appendToStream('s', [added('a')], { expectedVersion: -1n }), 'invalid_expected_version'],
    [
      store.appendToStream('s', [{ event: { type: 'Added', n: 1n as unknown as number }, metadata: meta('x') }]),
      'not_serialisable',
    ],
    [store.appendToStream('_ordo_checkpoint-x', [added('a')]), 'reserved_stream_id'],
    [store.readStream('s', { maxCount: -2 }), 'invalid_read_options'],
    [store.readAll({ after: -1n }), 'invalid_read_options'],
  ];
  for (const [promise, code] of cases) {
    const error = await rejection(promise);
    assert.instance(error, InvalidInputError);
    assert.is((error as InvalidInputError).code, code);
  }
  assert.equal(client.calls, { appendToStream: 0, readStream: 0, readAll: 0, subscribeToAll: 0 });
});

test('readStream: both directions, fromVersion, maxCount, absent stream', async () => {
  const { store } = setup();
  await store.appendToStream(
    's-1',
    [0, 1, 2, 3, 4].map((n) => added(`e${n}`, n)),
  );
  const versions = async (o: Parameters<typeof store.readStream>[1]) =>
    (await store.readStream('s-1', o)).map((e) => e.streamVersion);
  assert.equal(await versions({ fromVersion: 2n }), [2n, 3n, 4n]);
  assert.equal(await versions({ fromVersion: 1n, maxCount: 2 }), [1n, 2n]);
  assert.equal(await versions({ direction: 'backwards' }), [4n, 3n, 2n, 1n, 0n]);
  assert.equal(await versions({ direction: 'backwards', fromVersion: 3n, maxCount: 2 }), [3n, 2n]);
  assert.equal(await versions({ maxCount: 0 }), []);
  assert.equal(await store.readStream('nope'), []);
});

test('tenant filter: reads return only that tenant, maxCount counting after the filter', async () => {
  const { store } = setup();
  await store.appendToStream('s-1', [
    added('a', 1, { tenantId: 't1' }),
    added('b', 2, { tenantId: 't2' }),
    added('c', 3, { tenantId: 't1' }),
    added('d', 4),
    added('e', 5, { tenantId: 't1' }),
  ]);
  assert.equal(
    (await store.readStream('s-1', { tenantId: 't1', maxCount: 2 })).map((e) => e.event.n),
    [1, 3],
  );
  assert.equal(
    (await store.readAll({ tenantId: 't1' })).map((e) => e.event.n),
    [1, 3, 5],
  );
  assert.equal(
    (await store.readAll({ tenantId: 't1', maxCount: 2 })).map((e) => e.event.n),
    [1, 3],
  );
  assert.equal((await store.readAll({ tenantId: 'none' })).length, 0);
});

test("readAll: only this store's events, strictly after a position, limits across pages", async () => {
  const client = new FakeEventStoreDbClient();
  const store = new EventStoreDbEventStore<Ev>(client, { streamPrefix: 'app-', readAllPageSize: 3 });
  const other = new EventStoreDbEventStore<Ev>(client, { streamPrefix: 'other-' });
  client.appendRaw('$stats-node', '$statsCollected', { cpu: 1 });
  await store.appendToStream('s-1', [added('a', 1)]);
  await other.appendToStream('s-1', [added('x', 100)]);
  client.appendRaw('app-legacy', 'SomethingElse', { n: 0 }, { source: 'another program' });
  await store.appendToStream('s-2', [added('b', 2), added('c', 3)]);
  client.appendRaw('$stats-node', '$statsCollected', { cpu: 2 });
  await store.appendToStream('s-1', [added('d', 4)]);

  const all = await store.readAll();
  assert.equal(
    all.map((e) => e.event.n),
    [1, 2, 3, 4],
  );
  assert.equal(
    all.map((e) => e.streamId),
    ['s-1', 's-2', 's-2', 's-1'],
  );
  const positions = all.map((e) => e.globalPosition);
  assert.ok(
    positions.every((p, i) => i === 0 || p > (positions[i - 1] ?? 0n)),
    'strictly increasing',
  );
  assert.equal(
    (await store.readAll({ after: positions[1] })).map((e) => e.event.n),
    [3, 4],
  );
  assert.equal(
    (await store.readAll({ after: positions[0], maxCount: 2 })).map((e) => e.event.n),
    [2, 3],
  );
  assert.equal(await store.readAll({ after: positions[3] }), []);
  assert.equal(await store.readAll({ maxCount: 0 }), []);
  assert.equal(
    (await other.readAll()).map((e) => e.event.n),
    [100],
  );
});

test("a concurrent writer between the check and the write: 'any' checks again and writes after it", async () => {
  const { client, store } = setup();
  await store.appendToStream('s-1', [added('a')]);
  let interfered = false;
  client.beforeAppend = (streamName) => {
    if (interfered || streamName !== 'app-s-1') return;
    interfered = true;
    client.appendRaw('app-s-1', 'Added', { type: 'Added', n: 99 }, { note: 'concurrent' });
  };
  // The concurrent event is not an Ordo event, so reading the stream would refuse it: look at versions only.
  const result = await store.appendToStream('s-1', [added('b')]);
  assert.is(result.nextExpectedVersion, 2n);
  assert.is(client.calls.appendToStream, 3, 'the setup append, the refused round, the retried round');
});

test('an exact expectation the server still finds broken on the last round surfaces as our conflict', async () => {
  const { client } = setup();
  const store = new EventStoreDbEventStore<Ev>(client, { streamPrefix: 'app-', maxAppendAttempts: 2 });
  await store.appendToStream('s-1', [added('a')]);
  // The server refuses both rounds, as if another writer got in each time.
  for (let i = 0; i < 2; i++) {
    client.failNext(
      'appendToStream',
      new ClientWrongExpectedVersionError(undefined, { streamName: 'app-s-1', expected: 0n, current: 1n }),
    );
  }
  const error = await rejection(store.appendToStream('s-1', [added('b')], { expectedVersion: 0n }));
  assert.instance(error, WrongExpectedVersionError);
  const wev = error as WrongExpectedVersionError;
  assert.equal([wev.streamId, wev.expected, wev.actual], ['s-1', 0n, 1n]);
});

test('when the server answers an append without a position, the position is read back', async () => {
  const { client, store } = setup();
  client.omitAppendPosition = true;
  const result = await store.appendToStream('s-1', [added('a'), added('b')]);
  const events = await store.readStream('s-1');
  assert.is(result.position, events[1]?.globalPosition);
});

test('an idempotency window limits the scan to the most recent events', async () => {
  const client = new FakeEventStoreDbClient();
  const store = new EventStoreDbEventStore<Ev>(client, { streamPrefix: 'app-', idempotencyWindow: 2 });
  await store.appendToStream(
    's-1',
    ['a', 'b', 'c', 'd'].map((id) => added(id)),
  );
  assert.is((await store.appendToStream('s-1', [added('d')], { expectedVersion: 2n })).nextExpectedVersion, 3n);
  assert.is(
    ((await rejection(store.appendToStream('s-1', [added('c')], { expectedVersion: 3n }))) as InvalidInputError).code,
    'duplicate_event_id',
  );
  // Beyond the window the duplicate is not seen: documented trade-off of the option.
  assert.is((await store.appendToStream('s-1', [added('a')], { expectedVersion: 3n })).nextExpectedVersion, 4n);
});

test('a foreign event inside a user stream makes readStream refuse it as corrupt', async () => {
  const { client, store } = setup();
  client.appendRaw('app-s-1', 'Added', { type: 'Added', n: 1 });
  const error = await rejection(store.readStream('s-1'));
  assert.is((error as InvalidInputError).code, 'corrupt_event');
});

test('options are validated: a bad option is InvalidInputError invalid_options naming its path', () => {
  const client = new FakeEventStoreDbClient();
  const store = (options: EventStoreDbEventStoreOptions) => () => new EventStoreDbEventStore(client, options);
  assert.equal(thrown(store({ idempotencyWindow: 0 })), invalidOptions('idempotencyWindow'));
  assert.equal(thrown(store({ maxAppendAttempts: 1.5 })), invalidOptions('maxAppendAttempts'));
  assert.equal(thrown(store({ readAllPageSize: 1 })), invalidOptions('readAllPageSize'));
  assert.equal(thrown(store({ streamPrefix: '$x' })), invalidOptions('streamPrefix'));
  assert.equal(thrown(store({ subscriptions: { pollIntervalMs: 0 } })), invalidOptions('subscriptions.pollIntervalMs'));
  assert.equal(
    thrown(store({ subscriptions: { retry: { initialDelayMs: -1 } } })),
    invalidOptions('subscriptions.retry.initialDelayMs'),
  );
  assert.equal(
    thrown(store({ subscriptions: { retry: { maxDelayMs: Number.NaN } } })),
    invalidOptions('subscriptions.retry.maxDelayMs'),
  );
  assert.equal(
    thrown(store({ subscriptions: { retry: { maxAttempts: -1 } } })),
    invalidOptions('subscriptions.retry.maxAttempts'),
  );
  assert.is(thrown(store({ subscriptions: { retry: { maxAttempts: Number.POSITIVE_INFINITY } } })), undefined);
  // The adapter factory passes the store's options through and checks its own the same way.
  assert.equal(
    thrown(() => createEventStoreDbAdapter({ client, snapshotsKept: 0 })),
    invalidOptions('snapshotsKept'),
  );
  assert.equal(
    thrown(() => createEventStoreDbAdapter({ client, streamPrefix: '$x' })),
    invalidOptions('streamPrefix'),
  );
  assert.equal(
    thrown(() => createEventStoreDbAdapter({} as EventStoreDbAdapterOptions)),
    invalidOptions('connectionString'),
  );
  assert.equal(
    thrown(() => createEventStoreDbAdapter({ connectionString: 'localhost:2113' })),
    invalidOptions('connectionString'),
  );
});

test.run();
