import { randomUUID } from 'node:crypto';
import { EventStoreDBClient } from '@eventstore/db-client';
import {
  createLogRelay,
  messagesByRouting,
  routeByCategory,
  type CheckpointStore,
  type NewEvent,
  type OutgoingMessage,
  type Publisher,
} from '@ordo/kernel';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { EventStoreDbCheckpointStore } from '../checkpoints/eventstoredb-checkpoint-store';
import { EventStoreDbEventStore } from '../event-store/eventstoredb-event-store';

/**
 * The kernel's log relay (`createLogRelay`) on a real EventStoreDB / KurrentDB node: `$all` read
 * through this adapter's event store, the checkpoint kept in this adapter's checkpoint stream.
 * Run when `EVENTSTOREDB_URL` is set (e.g. `esdb://localhost:2113?tls=false`; see the README for
 * the container command). Without it every case is registered as skipped (counted as skipped,
 * never as passed) and one SKIP line says why. The relay's own semantics are covered against the
 * in-memory store by `packages/kernel/src/messaging/log-relay.spec.ts`.
 */

const url = process.env.EVENTSTOREDB_URL;

type Ev = { type: 'Added'; n: number };
const added = (n: number): NewEvent<Ev> => ({
  event: { type: 'Added', n },
  metadata: { eventId: randomUUID(), correlationId: 'c', causationId: 'c', occurredAt: '2024-01-01T00:00:00Z' },
});

const recordingPublisher = () => {
  const log: OutgoingMessage[] = [];
  const publisher: Publisher = {
    async publish(messages) {
      log.push(...messages);
    },
  };
  return { publisher, log };
};

const waitFor = async (condition: () => boolean, what: string, timeoutMs = 10_000): Promise<void> => {
  const started = Date.now();
  while (!condition()) {
    if (Date.now() - started > timeoutMs) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
};

interface Fixture {
  readonly store: EventStoreDbEventStore<Ev>;
  readonly checkpoints: EventStoreDbCheckpointStore;
  /** Event ids appended to `stream`, in order. */
  readonly ids: string[];
  append(stream: string, from: number, to: number): Promise<void>;
}

/**
 * A store and checkpoint store under a prefix of their own, with a first event already relayed
 * past: the checkpoint `name` is saved at it, so the relay starts from a stored checkpoint and
 * never scans the whole of `$all`.
 */
const fixture = async (client: EventStoreDBClient, name: string): Promise<Fixture> => {
  const streamPrefix = `ordo-it-relay-${randomUUID().slice(0, 8)}-`;
  const store = new EventStoreDbEventStore<Ev>(client, { streamPrefix });
  const checkpoints = new EventStoreDbCheckpointStore(client, { streamPrefix });
  const start = await store.appendToStream('account-start', [added(0)]);
  await checkpoints.save(name, start.position);
  const ids: string[] = [];
  return {
    store,
    checkpoints,
    ids,
    append: async (stream, from, to) => {
      for (let n = from; n <= to; n++) {
        const event = added(n);
        ids.push(event.metadata.eventId);
        await store.appendToStream(stream, [event]);
      }
    },
  };
};

const mapping = messagesByRouting<Ev>(routeByCategory);

/** Cases of this file, each on a fresh prefix. */
const cases: Array<[string, (client: EventStoreDBClient) => Promise<void>]> = [
  [
    'eventstoredb log relay: publishes the events after the stored checkpoint once, in $all order, and checkpoints the last one',
    async (client) => {
      const f = await fixture(client, 'relay');
      await f.append('account-1', 1, 3);
      await f.append('account-2', 4, 5);
      const { publisher, log } = recordingPublisher();
      const relay = createLogRelay({
        store: f.store,
        checkpoints: f.checkpoints,
        name: 'relay',
        mapping,
        publisher,
        batchSize: 2,
      });
      assert.is(await relay.drain(), 5);
      assert.equal(
        log.map((m) => m.id),
        f.ids,
      );
      const [last] = await f.store.readStream('account-2', { direction: 'backwards', maxCount: 1 });
      assert.is(await f.checkpoints.load('relay'), last?.globalPosition);
      assert.is(await relay.drain(), 0, 'nothing new');
      f.store.close();
    },
  ],
  [
    'eventstoredb log relay: a relay restarted after a failed checkpoint save publishes exactly the unsaved batch again',
    async (client) => {
      const f = await fixture(client, 'crash');
      await f.append('account-1', 1, 4);
      const { publisher, log } = recordingPublisher();
      let refuse = false;
      const refusing: CheckpointStore = {
        load: (name) => f.checkpoints.load(name),
        save: async (name, position) => {
          if (refuse) throw new Error('checkpoint save refused (test)');
          await f.checkpoints.save(name, position);
        },
      };
      const first = createLogRelay({
        store: f.store,
        checkpoints: refusing,
        name: 'crash',
        mapping,
        publisher,
        batchSize: 2,
      });
      assert.is(await first.runOnce(), 2);
      refuse = true;
      await first.runOnce().then(
        () => assert.unreachable('the save should fail the pass'),
        () => undefined,
      );
      const second = createLogRelay({
        store: f.store,
        checkpoints: f.checkpoints,
        name: 'crash',
        mapping,
        publisher,
        batchSize: 2,
      });
      assert.is(await second.drain(), 2);
      assert.equal(
        log.map((m) => m.id),
        [...f.ids, ...f.ids.slice(2)],
      );
      f.store.close();
    },
  ],
  [
    'eventstoredb log relay: a floor at a position the store handed out holds the checkpoint; a restart reads on from it',
    async (client) => {
      const f = await fixture(client, 'floor');
      await f.append('account-1', 1, 4);
      const events = await f.store.readStream('account-1');
      const held = events[1]?.globalPosition;
      const { publisher, log } = recordingPublisher();
      const relay = createLogRelay({
        store: f.store,
        checkpoints: f.checkpoints,
        name: 'floor',
        mapping,
        publisher,
        floor: () => held,
      });
      assert.is(await relay.drain(), 4);
      assert.is(await f.checkpoints.load('floor'), held);
      const restarted = createLogRelay({
        store: f.store,
        checkpoints: f.checkpoints,
        name: 'floor',
        mapping,
        publisher,
      });
      assert.is(await restarted.drain(), 2);
      assert.equal(
        log.map((m) => m.id),
        [...f.ids, ...f.ids.slice(2)],
      );
      f.store.close();
    },
  ],
  [
    'eventstoredb log relay: the loop publishes events appended while it runs',
    async (client) => {
      const f = await fixture(client, 'loop');
      const { publisher, log } = recordingPublisher();
      const relay = createLogRelay({
        store: f.store,
        checkpoints: f.checkpoints,
        name: 'loop',
        mapping,
        publisher,
        pollMs: 50,
      });
      relay.start();
      await f.append('account-1', 1, 3);
      relay.notify();
      await waitFor(() => log.length === 3, 'the appended events');
      await relay.stop();
      assert.equal(
        log.map((m) => m.id),
        f.ids,
      );
      f.store.close();
    },
  ],
];

if (url === undefined || url.trim() === '') {
  for (const [name] of cases)
    test.skip(`${name} (skipped: EVENTSTOREDB_URL is not set, no EventStoreDB server to run against)`);
  console.log(
    `SKIP eventstoredb: EVENTSTOREDB_URL is not set; ${cases.length} EventStoreDB log relay integration tests skipped`,
  );
} else {
  const client = EventStoreDBClient.connectionString(url);
  for (const [name, body] of cases) test(name, () => body(client));
  test.after(async () => {
    await client.dispose();
  });
}

test.run();
