import { createInMemoryCheckpointStore, createInMemoryEventStore, type InMemoryEventStore } from '@ordo/adapter-memory';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import type { NewEvent } from '../event-store/recorded-event';
import { InvalidInputError } from '../model/errors';
import type { CheckpointStore } from '../projections/checkpoint-store';
import { createLogRelay } from './log-relay';
import type { OutboxRelay } from './outbox-relay';
import { messagesByRouting, routeByCategory, toOutboxMessage, type OutboxMapping } from './outgoing-message';
import type { OutgoingMessage } from './outgoing-message';
import type { Publisher } from './publisher';

type Ev = { readonly type: 'Deposited'; readonly n: number } | { readonly type: 'Noted'; readonly n: number };

const delay = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

const waitUntil = async (condition: () => boolean, what: string, timeoutMs = 5_000) => {
  const end = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > end) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await delay(5);
  }
};

const event = (n: number, type: Ev['type'] = 'Deposited'): NewEvent<Ev> => ({
  event: { type, n },
  metadata: { eventId: `e-${n}`, correlationId: 'c', causationId: 'c', occurredAt: '2024-01-01T00:00:00Z' },
});

/** Appends events `from..to` (inclusive), alternating between two streams. */
const appendRange = async (store: InMemoryEventStore<Ev>, from: number, to: number, type: Ev['type'] = 'Deposited') => {
  for (let n = from; n <= to; n++) await store.appendToStream(`account-${n % 2}`, [event(n, type)]);
};

/** `Deposited` events leave as one message each (topic `account`); `Noted` events stay inside. */
const depositsOnly: OutboxMapping<Ev> = messagesByRouting((e) =>
  e.event.type === 'Deposited' ? routeByCategory(e) : undefined,
);

/** A publisher that records what it was given, failing the calls `fail` says to fail. */
const recordingPublisher = (fail: (call: number) => boolean = () => false) => {
  const log: OutgoingMessage[] = [];
  let calls = 0;
  const publisher: Publisher = {
    async publish(messages) {
      calls += 1;
      if (fail(calls)) throw new Error(`publish ${calls} failed`);
      log.push(...messages);
    },
  };
  return { publisher, log, calls: () => calls };
};

/** A checkpoint store over `inner` whose `save` fails (refused as stale, say) while `failing()` is true. */
const refusingSaves = (inner: CheckpointStore, failing: () => boolean): CheckpointStore => ({
  load: (name) => inner.load(name),
  save: async (name, position) => {
    if (failing()) throw new Error(`checkpoint ${name} at ${position}: refused (stale)`);
    await inner.save(name, position);
  },
});

const ids = (log: ReadonlyArray<OutgoingMessage>) => log.map((m) => m.id);
const eventIds = (from: number, to: number) => Array.from({ length: to - from + 1 }, (_, i) => `e-${from + i}`);

test('publishes every mapped message once, in log order, across passes, and saves the checkpoint per pass', async () => {
  const store = createInMemoryEventStore<Ev>();
  const checkpoints = createInMemoryCheckpointStore();
  await appendRange(store, 1, 10);
  const { publisher, log, calls } = recordingPublisher();
  const relay = createLogRelay({ store, checkpoints, name: 'relay', mapping: depositsOnly, publisher, batchSize: 4 });
  assert.is(relay.owner, 'relay');
  assert.is(await relay.runOnce(), 4);
  assert.is(await checkpoints.load('relay'), 4n, 'saved at the last event read');
  assert.is(await relay.drain(), 6);
  assert.is(await relay.drain(), 0, 'nothing left');
  assert.is(calls(), 3, 'one publish per pass that had messages');
  await appendRange(store, 11, 12);
  assert.is(await relay.runOnce(), 2);
  assert.equal(ids(log), eventIds(1, 12));
  assert.equal(
    log.map((m) => m.key),
    eventIds(1, 12).map((_, i) => `account-${(i + 1) % 2}`),
  );
  assert.is(await checkpoints.load('relay'), store.lastPosition());
  const health = relay.health();
  assert.is(health.published, 12);
  assert.is(relay.published(), 12);
  assert.is(health.eventsRead, 12);
  assert.is(health.position, 12n);
  assert.is(health.checkpoint, 12n);
  assert.is(health.markFailures, 0);
  // Hosts treat both relays alike.
  const asOutboxRelay: OutboxRelay = relay;
  assert.is(asOutboxRelay.owner, 'relay');
});

test('events mapped to no message still move the checkpoint, so a quiet log moves on', async () => {
  const store = createInMemoryEventStore<Ev>();
  const checkpoints = createInMemoryCheckpointStore();
  await appendRange(store, 1, 5, 'Noted');
  const { publisher, log, calls } = recordingPublisher();
  const relay = createLogRelay({ store, checkpoints, name: 'r', mapping: depositsOnly, publisher, batchSize: 2 });
  assert.is(await relay.runOnce(), 0, 'a pass that read two events and sent nothing');
  assert.is(await checkpoints.load('r'), 2n);
  assert.is(await relay.drain(), 0, 'drain goes on past passes that send nothing');
  assert.is(await checkpoints.load('r'), 5n);
  assert.is(calls(), 0, 'no empty publish');
  await appendRange(store, 6, 6);
  assert.is(await relay.runOnce(), 1);
  assert.equal(ids(log), ['e-6']);
  assert.is(relay.health().eventsRead, 6);
});

test('one event may fan out to several messages, published in order', async () => {
  const store = createInMemoryEventStore<Ev>();
  const checkpoints = createInMemoryCheckpointStore();
  await appendRange(store, 1, 3);
  const fanOut: OutboxMapping<Ev> = (e) =>
    Array.from({ length: e.event.n }, (_, i) => ({
      ...toOutboxMessage(e, { topic: `t${i}` }),
      id: `${e.metadata.eventId}:${i}`,
    }));
  const { publisher, log } = recordingPublisher();
  const relay = createLogRelay({ store, checkpoints, name: 'fan', mapping: fanOut, publisher, batchSize: 2 });
  assert.is(await relay.drain(), 6);
  assert.equal(ids(log), ['e-1:0', 'e-2:0', 'e-2:1', 'e-3:0', 'e-3:1', 'e-3:2']);
  assert.equal(
    log.map((m) => m.topic),
    ['t0', 't0', 't1', 't0', 't1', 't2'],
  );
  assert.is(relay.health().eventsRead, 3);
  assert.is(await checkpoints.load('fan'), 3n);
});

test('a relay restarted after a publish whose checkpoint save failed publishes exactly the unsaved batch again', async () => {
  const store = createInMemoryEventStore<Ev>();
  const durable = createInMemoryCheckpointStore();
  await appendRange(store, 1, 9);
  const { publisher, log } = recordingPublisher();
  let refuse = false;
  const first = createLogRelay({
    store,
    checkpoints: refusingSaves(durable, () => refuse),
    name: 'r',
    mapping: depositsOnly,
    publisher,
    batchSize: 3,
  });
  assert.is(await first.runOnce(), 3);
  refuse = true;
  // Published, then the save fails: the crash window between publish and mark.
  await first.runOnce().then(
    () => assert.unreachable('the pass should fail'),
    (error: unknown) => assert.match(String(error), 'refused'),
  );
  assert.equal(ids(log), eventIds(1, 6));
  assert.is(await durable.load('r'), 3n, 'the second batch is not checkpointed');
  assert.is(first.health().markFailures, 1);
  // The first relay "crashes" here; a new one under the same name takes over.
  const second = createLogRelay({
    store,
    checkpoints: durable,
    name: 'r',
    mapping: depositsOnly,
    publisher,
    batchSize: 3,
  });
  assert.is(await second.drain(), 6);
  assert.equal(ids(log), [...eventIds(1, 6), ...eventIds(4, 9)], 'only e-4..e-6 twice: the unsaved batch');
  assert.is(await durable.load('r'), 9n);
});

test('a relay whose save failed saves first on its next pass and publishes nothing twice', async () => {
  const store = createInMemoryEventStore<Ev>();
  const durable = createInMemoryCheckpointStore();
  await appendRange(store, 1, 6);
  const { publisher, log } = recordingPublisher();
  let refusals = 0;
  const saves: bigint[] = [];
  const checkpoints: CheckpointStore = {
    load: (name) => durable.load(name),
    save: async (name, position) => {
      saves.push(position);
      if (refusals > 0) {
        refusals -= 1;
        throw new Error('refused (stale)');
      }
      await durable.save(name, position);
    },
  };
  const relay = createLogRelay({ store, checkpoints, name: 'r', mapping: depositsOnly, publisher, batchSize: 3 });
  refusals = 2;
  await relay.runOnce().catch(() => undefined); // publishes e-1..e-3, save refused
  await relay.runOnce().catch(() => undefined); // saves first, refused again: reads nothing
  assert.equal(ids(log), eventIds(1, 3));
  assert.is(await relay.drain(), 3);
  assert.equal(ids(log), eventIds(1, 6), 'no duplicate within one relay');
  assert.equal(saves, [3n, 3n, 3n, 6n]);
  assert.is(relay.health().markFailures, 2);
});

test('a failing publish saves no checkpoint and the next pass retries the same batch', async () => {
  const store = createInMemoryEventStore<Ev>();
  const checkpoints = createInMemoryCheckpointStore();
  await appendRange(store, 1, 4);
  const { publisher, log, calls } = recordingPublisher((call) => call === 1);
  const relay = createLogRelay({ store, checkpoints, name: 'r', mapping: depositsOnly, publisher, batchSize: 2 });
  await relay.runOnce().then(
    () => assert.unreachable('the pass should fail'),
    (error: unknown) => assert.match(String(error), 'publish 1 failed'),
  );
  assert.is(await checkpoints.load('r'), undefined);
  assert.is(relay.published(), 0);
  assert.is(await relay.drain(), 4);
  assert.is(calls(), 3);
  assert.equal(ids(log), eventIds(1, 4));
});

test('in the loop, a failing publish is reported, backed off and retried', async () => {
  const store = createInMemoryEventStore<Ev>();
  const checkpoints = createInMemoryCheckpointStore();
  await appendRange(store, 1, 4);
  const { publisher, log } = recordingPublisher((call) => call <= 2);
  const failures: number[] = [];
  const relay = createLogRelay({
    store,
    checkpoints,
    name: 'r',
    mapping: depositsOnly,
    publisher,
    pollMs: 5,
    backoff: { initialMs: 1, maxMs: 2 },
    onError: (_, n) => failures.push(n),
  });
  relay.start();
  await waitUntil(() => log.length === 4, 'the retried batch');
  await relay.stop();
  assert.equal(failures, [1, 2]);
  assert.equal(ids(log), eventIds(1, 4));
  assert.is(await checkpoints.load('r'), 4n);
  const health = relay.health();
  assert.is(health.failures, 2);
  assert.is(health.consecutiveFailures, 0);
});

test('floor holds the saved checkpoint back while reading goes on; a restart reads from the floor', async () => {
  const store = createInMemoryEventStore<Ev>();
  const checkpoints = createInMemoryCheckpointStore();
  await appendRange(store, 1, 8);
  const { publisher, log } = recordingPublisher();
  // Say e-3 started a timer that is still pending: everything after e-2 must be read again after a restart.
  let held: bigint | undefined = 2n;
  const relay = createLogRelay({
    store,
    checkpoints,
    name: 'r',
    mapping: depositsOnly,
    publisher,
    batchSize: 3,
    floor: () => held,
  });
  assert.is(await relay.drain(), 8, 'reading goes on past the floor');
  assert.equal(ids(log), eventIds(1, 8));
  assert.is(await checkpoints.load('r'), 2n, 'the checkpoint stays at the floor');
  assert.is(relay.health().position, 8n);
  assert.is(relay.health().checkpoint, 2n);

  const restarted = createLogRelay({ store, checkpoints, name: 'r', mapping: depositsOnly, publisher, batchSize: 3 });
  assert.is(await restarted.drain(), 6, 'a restart reads again from the floored checkpoint');
  assert.equal(ids(log), [...eventIds(1, 8), ...eventIds(3, 8)]);

  held = 5n;
  assert.is(await relay.runOnce(), 0, 'no new event');
  assert.is(await checkpoints.load('r'), 8n, 'the restarted relay moved it on; a floor never moves it back');
});

test('a floor that lets go moves a quiet log checkpoint on without new events', async () => {
  const store = createInMemoryEventStore<Ev>();
  const checkpoints = createInMemoryCheckpointStore();
  await appendRange(store, 1, 4);
  const { publisher } = recordingPublisher();
  let held: bigint | undefined = 1n;
  const relay = createLogRelay({
    store,
    checkpoints,
    name: 'r',
    mapping: depositsOnly,
    publisher,
    floor: () => held,
  });
  assert.is(await relay.drain(), 4);
  assert.is(await checkpoints.load('r'), 1n);
  held = 3n;
  assert.is(await relay.runOnce(), 0);
  assert.is(await checkpoints.load('r'), 3n);
  held = undefined;
  assert.is(await relay.runOnce(), 0);
  assert.is(await checkpoints.load('r'), 4n, 'no hold: at the last event read');
  held = 'x' as unknown as bigint;
  await relay.runOnce().then(
    () => assert.unreachable('a floor answering no bigint should fail the pass'),
    (error: unknown) => assert.is((error as InvalidInputError).code, 'invalid_options'),
  );
});

test('start/stop: the loop publishes appended events with a real timer, notify wakes it, stop is final', async () => {
  const store = createInMemoryEventStore<Ev>();
  const checkpoints = createInMemoryCheckpointStore();
  const { publisher, log } = recordingPublisher();
  const relay = createLogRelay({ store, checkpoints, name: 'loop', mapping: depositsOnly, publisher, pollMs: 20 });
  relay.start();
  relay.start(); // idempotent
  assert.ok(relay.running);
  await appendRange(store, 1, 3);
  await waitUntil(() => log.length === 3, 'events appended after start, found by polling');
  await appendRange(store, 4, 5);
  relay.notify();
  await waitUntil(() => log.length === 5, 'events after notify');
  await relay.runOnce().then(
    () => assert.unreachable('by hand while the loop runs'),
    (error: unknown) => assert.match(String(error), 'runs its loop'),
  );
  await relay.stop();
  assert.not.ok(relay.running);
  assert.equal(ids(log), eventIds(1, 5));
  assert.is(await checkpoints.load('loop'), 5n);
  assert.throws(() => relay.start(), /was stopped/);
  const health = relay.health();
  assert.is(health.name, 'log-relay:loop');
  assert.is(health.published, 5);
  assert.ok(health.steps >= 2);
});

test('passes by hand never overlap', async () => {
  const store = createInMemoryEventStore<Ev>();
  const checkpoints = createInMemoryCheckpointStore();
  await appendRange(store, 1, 4);
  const { publisher, log } = recordingPublisher();
  const relay = createLogRelay({ store, checkpoints, name: 'r', mapping: depositsOnly, publisher, batchSize: 2 });
  const counts = await Promise.all([relay.runOnce(), relay.runOnce(), relay.runOnce()]);
  assert.equal(counts, [2, 2, 0]);
  assert.equal(ids(log), eventIds(1, 4));
});

test('bad options are refused with an invalid_options error naming the option', () => {
  const store = createInMemoryEventStore<Ev>();
  const checkpoints = createInMemoryCheckpointStore();
  const { publisher } = recordingPublisher();
  const cases: ReadonlyArray<readonly [Record<string, unknown>, string, unknown]> = [
    [{ name: '' }, 'name', ''],
    [{ name: 7 }, 'name', 7],
    [{ store: {} }, 'store', {}],
    [{ checkpoints: { load: () => undefined } }, 'checkpoints', { load: () => undefined }],
    [{ mapping: 'all' }, 'mapping', 'all'],
    [{ publisher: {} }, 'publisher', {}],
    [{ batchSize: 0 }, 'batchSize', 0],
    [{ batchSize: 2.5 }, 'batchSize', 2.5],
    [{ pollMs: -1 }, 'pollMs', -1],
    [{ pollMs: Number.POSITIVE_INFINITY }, 'pollMs', Number.POSITIVE_INFINITY],
    [{ floor: 3n }, 'floor', 3n],
  ];
  for (const [bad, path, actual] of cases) {
    try {
      createLogRelay({ store, checkpoints, name: 'r', mapping: depositsOnly, publisher, ...bad });
      assert.unreachable(`${path}: accepted`);
    } catch (error) {
      assert.instance(error, InvalidInputError);
      const e = error as InvalidInputError;
      assert.is(e.code, 'invalid_options', `${path}: code`);
      assert.is(e.issues.length, 1, `${path}: one issue`);
      assert.is(e.issues[0]?.path, path);
      if (typeof actual !== 'object') assert.is(e.issues[0]?.actual, actual);
      assert.match(e.message, path);
    }
  }
});

test.run();
