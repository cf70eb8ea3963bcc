import { randomUUID } from 'node:crypto';
import { EventStoreDBClient, UnavailableError, type AllStreamResolvedEvent } from '@eventstore/db-client';
import { isWrongExpectedVersionError, type EventMetadata, type NewEvent, type RecordedEvent } from '@ordo/kernel';
import { eventStoreConformance, eventStoreConformanceCases } from '@ordo/kernel/testing';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { createEventStoreDbAdapter } from './eventstoredb-adapter';
import type { ClientSubscription, EventStoreDbClientPort } from './client-port';
import { EVENTSTOREDB_CONFORMANCE_GAPS } from '../event-store/conformance-gaps';
import { toEsdbEventId } from '../event-store/event-id';
import { EventStoreDbEventStore } from '../event-store/eventstoredb-event-store';

/**
 * Integration tests against a real EventStoreDB / KurrentDB node, run when `EVENTSTOREDB_URL` is
 * set (e.g. `esdb://localhost:2113?tls=false`; see the README for the container command). Without
 * it every case is registered as skipped (counted as skipped, never as passed) and one SKIP line
 * says why.
 */

const url = process.env.EVENTSTOREDB_URL;

type Ev = { type: 'Added'; n: number };
const added = (n: number, eventId: string, extra: Partial<EventMetadata> = {}): NewEvent<Ev> => ({
  event: { type: 'Added', n },
  metadata: { eventId, correlationId: 'c', causationId: 'c', occurredAt: '2024-01-01T00:00:00Z', ...extra },
});

/**
 * Delegates to the real client and can break it: the next `readAll` calls fail as if the
 * connection dropped, and live subscriptions can be torn down with a connection error.
 */
class FlakyClient implements EventStoreDbClientPort {
  private failReads = 0;
  private readonly live = new Set<ClientSubscription & { destroy(error?: Error): void }>();
  readAllCalls = 0;
  constructor(private readonly real: EventStoreDBClient) {}
  failNextReads(count: number): void {
    this.failReads += count;
  }
  dropLiveSubscriptions(): void {
    for (const s of this.live) {
      s.destroy(new UnavailableError(undefined, 'connection dropped (test)'));
      void s.unsubscribe().catch(() => undefined);
    }
    this.live.clear();
  }
  appendToStream: EventStoreDbClientPort['appendToStream'] = (...args) => this.real.appendToStream(...args);
  readStream: EventStoreDbClientPort['readStream'] = (...args) => this.real.readStream(...args);
  setStreamMetadata: EventStoreDbClientPort['setStreamMetadata'] = (...args) => this.real.setStreamMetadata(...args);
  getStreamMetadata: EventStoreDbClientPort['getStreamMetadata'] = (...args) => this.real.getStreamMetadata(...args);
  readAll: EventStoreDbClientPort['readAll'] = (...args) => {
    this.readAllCalls++;
    if (this.failReads > 0) {
      this.failReads--;
      const failing: AsyncIterable<AllStreamResolvedEvent> = {
        [Symbol.asyncIterator]: () => ({
          next: () => Promise.reject(new UnavailableError(undefined, 'connection dropped (test)')),
        }),
      };
      return failing;
    }
    return this.real.readAll(...args);
  };
  subscribeToAll: EventStoreDbClientPort['subscribeToAll'] = (...args) => {
    const subscription = this.real.subscribeToAll(...args);
    this.live.add(subscription);
    subscription.once('close', () => this.live.delete(subscription));
    return subscription;
  };
}

const waitFor = async (condition: () => boolean, what: string, timeoutMs = 10_000): Promise<void> => {
  const started = Date.now();
  while (!condition()) {
    if (Date.now() - started > timeoutMs) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
};

/** Cases of this file besides the conformance suite. */
const ownCases: Array<[string, (client: EventStoreDBClient, prefix: string) => Promise<void>]> = [
  [
    'eventstoredb: an append answers the $all position of its last event (commit of the append result)',
    async (client, prefix) => {
      const store = new EventStoreDbEventStore<Ev>(client, { streamPrefix: prefix });
      const result = await store.appendToStream('pos', [
        added(1, randomUUID()),
        added(2, randomUUID()),
        added(3, randomUUID()),
      ]);
      const events = await store.readStream('pos');
      assert.is(result.position, events[2]?.globalPosition);
      const fromAll = (await store.readAll({ after: events[0]?.globalPosition })).filter((e) => e.streamId === 'pos');
      assert.equal(
        fromAll.map((e) => e.globalPosition),
        events.slice(1).map((e) => e.globalPosition),
      );
    },
  ],
  [
    'eventstoredb: a non-UUID event id is stored under its name-based UUID and read back as given',
    async (client, prefix) => {
      const store = new EventStoreDbEventStore<Ev>(client, { streamPrefix: prefix });
      await store.appendToStream('ids', [added(1, 'cmd-1:0', { tenantId: 't', traceparent: 'tp' })]);
      let rawId: string | undefined;
      for await (const resolved of client.readStream(`${prefix}ids`)) rawId = resolved.event?.id;
      assert.is(rawId, toEsdbEventId('cmd-1:0'));
      const [event] = await store.readStream('ids');
      assert.equal(event?.metadata, added(1, 'cmd-1:0', { tenantId: 't', traceparent: 'tp' }).metadata);
    },
  ],
  [
    'eventstoredb: concurrent appends expecting no stream: one wins, the others get our conflict with the real revision',
    async (client, prefix) => {
      const stores = [1, 2, 3, 4].map(
        () => new EventStoreDbEventStore<Ev>(client, { streamPrefix: prefix, maxAppendAttempts: 1 }),
      );
      const results = await Promise.allSettled(
        stores.map((s, i) => s.appendToStream('race', [added(i, randomUUID())], { expectedVersion: 'no_stream' })),
      );
      const won = results.filter((r) => r.status === 'fulfilled');
      assert.is(won.length, 1);
      for (const r of results) {
        if (r.status === 'rejected') {
          assert.ok(isWrongExpectedVersionError(r.reason), String(r.reason));
          assert.is((r.reason as { actual: unknown }).actual, 0n);
        }
      }
    },
  ],
  [
    'eventstoredb: checkpoints save and load on their own capped stream',
    async (client, prefix) => {
      const adapter = createEventStoreDbAdapter({ client, streamPrefix: prefix });
      assert.is(await adapter.checkpoints.load('proj'), undefined);
      await adapter.checkpoints.save('proj', 10n);
      await adapter.checkpoints.save('proj', 42n);
      assert.is(await adapter.checkpoints.load('proj'), 42n);
      const meta = await client.getStreamMetadata(`${prefix}_ordo_checkpoint-proj`);
      assert.is(meta.metadata?.maxCount, 1);
      await adapter.dispose();
    },
  ],
  [
    'eventstoredb: snapshots save and load by decider version, older ones ignored',
    async (client, prefix) => {
      const adapter = createEventStoreDbAdapter({ client, streamPrefix: prefix });
      await adapter.snapshots.save({ streamId: 'o-1', version: 5n, deciderVersion: 'v1', state: { total: 5 } });
      await adapter.snapshots.save({ streamId: 'o-1', version: 3n, deciderVersion: 'v1', state: { total: 3 } });
      await adapter.snapshots.save({ streamId: 'o-1', version: 1n, deciderVersion: 'v2', state: { total: 1 } });
      assert.equal(await adapter.snapshots.load('o-1', 'v1'), {
        streamId: 'o-1',
        version: 5n,
        deciderVersion: 'v1',
        state: { total: 5 },
      });
      assert.is((await adapter.snapshots.load('o-1', 'v2'))?.version, 1n);
      assert.is(await adapter.snapshots.load('o-1', 'v3'), undefined);
      await adapter.dispose();
    },
  ],
  [
    'eventstoredb: a subscription resubscribes after a dropped connection from its last delivered event',
    async (client, prefix) => {
      const flaky = new FlakyClient(client);
      const retried: unknown[] = [];
      const store = new EventStoreDbEventStore<Ev>(flaky, {
        streamPrefix: prefix,
        subscriptions: {
          pollIntervalMs: 30_000,
          retry: { initialDelayMs: 20, maxDelayMs: 200 },
          onRetry: (e) => retried.push(e),
        },
      });
      const stream = `sub-${randomUUID()}`;
      await store.appendToStream(stream, [added(1, randomUUID()), added(2, randomUUID())]);
      const start = (await store.readStream(stream))[0]?.globalPosition;
      const seen: RecordedEvent<Ev>[] = [];
      const sub = store.subscribeToAll({ after: start, onEvent: (e) => void (e.streamId === stream && seen.push(e)) });
      await sub.caughtUp;
      assert.equal(
        seen.map((e) => e.event.n),
        [2],
      );
      flaky.failNextReads(2);
      flaky.dropLiveSubscriptions();
      await store.appendToStream(stream, [added(3, randomUUID())]);
      await waitFor(() => seen.length === 2, 'the event appended while the connection was down');
      await store.appendToStream(stream, [added(4, randomUUID())]);
      await waitFor(() => seen.length === 3, 'a live event after resubscribing');
      assert.equal(
        seen.map((e) => e.event.n),
        [2, 3, 4],
      );
      assert.ok(retried.length >= 2, `retried ${retried.length} times`);
      await sub.stop();
      store.close();
    },
  ],
];

const conformanceNames = eventStoreConformanceCases.map((c) => c.name);

if (url === undefined || url.trim() === '') {
  for (const name of [...conformanceNames, ...ownCases.map(([name]) => name)])
    test.skip(`${name} (skipped: EVENTSTOREDB_URL is not set, no EventStoreDB server to run against)`);
  console.log(
    `SKIP eventstoredb: EVENTSTOREDB_URL is not set; ${conformanceNames.length + ownCases.length} EventStoreDB integration tests skipped`,
  );
} else {
  const client = EventStoreDBClient.connectionString(url);
  // One prefix per run: this run's streams never meet earlier runs' (the suite also claims a
  // namespace per case inside the store).
  const prefix = `ordo-it-${randomUUID().slice(0, 8)}-`;
  eventStoreConformance(test, {
    create: async () =>
      new EventStoreDbEventStore(client, {
        streamPrefix: prefix,
        subscriptions: { pollIntervalMs: 500 },
      }),
    dispose: async (store) => (store as EventStoreDbEventStore).close(),
    unsupported: EVENTSTOREDB_CONFORMANCE_GAPS,
  });
  for (const [name, body] of ownCases) test(name, () => body(client, prefix));
  test.after(async () => {
    await client.dispose();
  });
}

test.run();
