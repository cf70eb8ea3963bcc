import { AccessDeniedError, UnavailableError } from '@eventstore/db-client';
import type { EventMetadata, NewEvent, RecordedEvent } from '@ordo/kernel';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { EventStoreDbEventStore, type EventStoreDbEventStoreOptions } from '../event-store/eventstoredb-event-store';
import { FakeEventStoreDbClient, invalidOptions, thrown } from '../test-support';

type Ev = { type: 'Added'; n: number };

const added = (n: number, extra: Partial<EventMetadata> = {}): NewEvent<Ev> => ({
  event: { type: 'Added', n },
  metadata: { eventId: `e-${n}`, correlationId: 'c', causationId: 'c', occurredAt: '2024-01-01T00:00:00Z', ...extra },
});

// A long poll interval: anything delivered quickly was announced by the live subscription.
const setup = (options: EventStoreDbEventStoreOptions = {}) => {
  const client = new FakeEventStoreDbClient();
  const retried: unknown[] = [];
  const store = new EventStoreDbEventStore<Ev>(client, {
    streamPrefix: 'app-',
    ...options,
    subscriptions: {
      pollIntervalMs: 60_000,
      retry: { initialDelayMs: 5, maxDelayMs: 20 },
      onRetry: (error) => retried.push(error),
      ...options.subscriptions,
    },
  });
  return { client, store, retried };
};

const waitFor = async (condition: () => boolean, what: string, timeoutMs = 2_000): Promise<void> => {
  const started = Date.now();
  while (!condition()) {
    if (Date.now() - started > timeoutMs) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 5));
  }
};

const ns = (events: ReadonlyArray<RecordedEvent<Ev>>) => events.map((e) => e.event.n);

test('catches up from a checkpoint, then delivers new events live as they are appended', async () => {
  const { client, store } = setup();
  for (let n = 1; n <= 4; n++) await store.appendToStream(`s-${n % 2}`, [added(n)]);
  const checkpoint = (await store.readAll())[1]?.globalPosition;
  const seen: RecordedEvent<Ev>[] = [];
  const sub = store.subscribeToAll({ after: checkpoint, onEvent: (e) => void seen.push(e) });
  await sub.caughtUp;
  assert.equal(ns(seen), [3, 4]);
  await store.appendToStream('s-9', [added(5), added(6)]);
  await waitFor(() => seen.length === 4, 'live events');
  assert.equal(ns(seen), [3, 4, 5, 6]);
  await sub.stop();
  await sub.done;
  await waitFor(() => client.openSubscriptions === 0, 'the live subscription to close');
});

test('resubscribes after a dropped connection from the last delivered position: nothing lost, nothing twice', async () => {
  const { client, store, retried } = setup();
  for (let n = 1; n <= 3; n++) await store.appendToStream('s', [added(n)]);
  // The server is unreachable for the first two reads.
  client.failNext('readAll', new UnavailableError(undefined, 'connection refused'));
  client.failNext('readAll', new UnavailableError(undefined, 'connection refused'));
  const seen: RecordedEvent<Ev>[] = [];
  const sub = store.subscribeToAll({ onEvent: (e) => void seen.push(e), batchSize: 2 });
  await sub.caughtUp;
  assert.equal(ns(seen), [1, 2, 3]);
  assert.is(retried.length, 2);

  // The connection drops while live: the read fails once and the live subscription is dropped.
  client.failNext('readAll', new UnavailableError(undefined, 'connection reset'));
  client.dropSubscriptions(new UnavailableError(undefined, 'connection reset'));
  await store.appendToStream('s', [added(4)]);
  await waitFor(() => seen.length === 4, 'the event appended while disconnected');
  await store.appendToStream('s', [added(5)]);
  await waitFor(() => seen.length === 5, 'a live event after reconnecting');
  assert.equal(ns(seen), [1, 2, 3, 4, 5]);
  const positions = seen.map((e) => e.globalPosition);
  assert.ok(positions.every((p, i) => i === 0 || p > (positions[i - 1] ?? 0n)));
  await waitFor(() => client.openSubscriptions === 1, 'the live subscription to reopen');
  await sub.stop();
});

test('an error that is not transient ends the subscription (done rejects) instead of retrying', async () => {
  const { client, store, retried } = setup();
  await store.appendToStream('s', [added(1)]);
  client.failNext('readAll', new AccessDeniedError(undefined, 'denied'));
  const sub = store.subscribeToAll({ onEvent: () => undefined });
  const error = await sub.done.then(
    () => undefined,
    (e: unknown) => e,
  );
  assert.instance(error, AccessDeniedError);
  assert.is(retried.length, 0);
  await waitFor(() => client.openSubscriptions === 0, 'the live subscription to close');
});

test("a handler's error ends the subscription with that error; later events are not delivered", async () => {
  const { store } = setup();
  await store.appendToStream('s', [added(1), added(2), added(3)]);
  const seen: number[] = [];
  const sub = store.subscribeToAll({
    onEvent: (e) => {
      if (e.event.n === 2) throw new Error('handler failed');
      seen.push(e.event.n);
    },
  });
  const error = await sub.done.then(
    () => undefined,
    (e: unknown) => e,
  );
  assert.match(String(error), /handler failed/);
  assert.equal(seen, [1]);
});

test('stop returns promptly while the server is down and reads are being retried', async () => {
  const { client, store } = setup({ subscriptions: { retry: { initialDelayMs: 10_000, maxDelayMs: 10_000 } } });
  for (let i = 0; i < 5; i++) client.failNext('readAll', new UnavailableError(undefined, 'down'));
  const sub = store.subscribeToAll({ onEvent: () => undefined });
  await waitFor(() => client.calls.readAll >= 1, 'the first read');
  const started = Date.now();
  await sub.stop();
  assert.ok(Date.now() - started < 1_000);
});

test('with a tenant filter only that tenant is delivered, and wake-ups do not rescan skipped events', async () => {
  const { client, store } = setup();
  await store.appendToStream('s', [added(1, { tenantId: 'a' })]);
  for (let n = 2; n <= 6; n++) await store.appendToStream('s', [added(n, { tenantId: 'b' })]);
  const seen: RecordedEvent<Ev>[] = [];
  const sub = store.subscribeToAll({ tenantId: 'a', onEvent: (e) => void seen.push(e) });
  await sub.caughtUp;
  assert.equal(ns(seen), [1]);
  const readsBefore = client.readAllFrom.length;
  await store.appendToStream('s', [added(7, { tenantId: 'b' })]);
  await store.appendToStream('s', [added(8, { tenantId: 'a' })]);
  await waitFor(() => seen.length === 2, 'the tenant event');
  assert.equal(ns(seen), [1, 8]);
  const lastOfB = (await store.readAll({ tenantId: 'b' })).find((e) => e.event.n === 6)?.globalPosition;
  const laterStarts = client.readAllFrom.slice(readsBefore, readsBefore + 1);
  // The read after the wake-up started past tenant b's events 2..6, not back at event 1.
  assert.ok(
    laterStarts.every((from) => typeof from === 'object' && lastOfB !== undefined && from.commit >= lastOfB),
    `reads started at ${JSON.stringify(laterStarts, (_k, v: unknown) => (typeof v === 'bigint' ? String(v) : v))}`,
  );
  await sub.stop();
});

test('without live notifications the subscription polls', async () => {
  const { client, store } = setup({ subscriptions: { liveNotifications: false, pollIntervalMs: 20 } });
  const seen: number[] = [];
  const sub = store.subscribeToAll({ onEvent: (e) => void seen.push(e.event.n) });
  await sub.caughtUp;
  await store.appendToStream('s', [added(1)]);
  await waitFor(() => seen.length === 1, 'a polled event');
  assert.is(client.calls.subscribeToAll, 0);
  await sub.stop();
});

test('bad subscribe options are refused', () => {
  const { store } = setup();
  assert.equal(
    thrown(() => store.subscribeToAll({ onEvent: undefined as unknown as () => void })),
    invalidOptions('onEvent'),
  );
  // `after` and `tenantId` are checked as readAll's are (the code every store uses for reads).
  assert.equal(
    thrown(() => store.subscribeToAll({ after: -1n, onEvent: () => undefined })),
    {
      class: 'InvalidInputError',
      code: 'invalid_read_options',
      paths: ['after'],
    },
  );
  assert.equal(
    thrown(() => store.subscribeToAll({ batchSize: 0, onEvent: () => undefined })),
    invalidOptions('batchSize'),
  );
});

test.run();
