// The relay's algorithm (pipelining, order, failures, stop, several relays) is the kernel's and
// specified there (packages/kernel/src/messaging/outbox-relay.spec.ts). This spec covers what the
// Kafka adapter adds: its defaults, the publisher it makes from a kafkajs client (and closes),
// and what reaches kafkajs.
import { createInMemoryOutbox } from '@ordo/adapter-memory';
import { InvalidInputError, type OutboxMessage, type Publisher } from '@ordo/kernel';
import type { Kafka, ProducerBatch } from 'kafkajs';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { rejects, waitUntil } from '../test-support/kafka-test-env';
import { createKafkaOutboxRelay } from './kafka-outbox-relay';

const message = (streamId: string, version: number, position: number): OutboxMessage => ({
  id: `${streamId}:${version}`,
  topic: 'account',
  key: streamId,
  type: 'Happened',
  payload: { type: 'Happened', version },
  headers: { 'ordo-stream-id': streamId },
  streamId,
  streamVersion: BigInt(version),
  globalPosition: BigInt(position),
});

const fill = (streams: number, perStream: number): OutboxMessage[] => {
  const out: OutboxMessage[] = [];
  for (let v = 0; v < perStream; v++) for (let s = 0; s < streams; s++) out.push(message(`s${s}`, v, out.length));
  return out;
};

/** A kafkajs client stand-in: records the producers made, their batches and disconnects. */
const fakeKafka = () => {
  const batches: ProducerBatch[] = [];
  let producers = 0;
  let disconnects = 0;
  const kafka = {
    producer: () => {
      producers += 1;
      return {
        connect: async () => undefined,
        disconnect: async () => void (disconnects += 1),
        sendBatch: async (batch: ProducerBatch) => {
          batches.push(batch);
          return [];
        },
      };
    },
  } as unknown as Kafka;
  return { kafka, batches, producers: () => producers, disconnects: () => disconnects };
};

test('from a kafkajs client: one sendBatch per batch (acks -1), payloadJson sent as it is, its producer closed on stop', async () => {
  const outbox = createInMemoryOutbox();
  const messages = fill(3, 4).map((m, i) => (i === 0 ? { ...m, payloadJson: '{"type":"Happened",  "raw":true}' } : m));
  outbox.add(messages);
  const { kafka, batches, producers, disconnects } = fakeKafka();
  const relay = createKafkaOutboxRelay({ outbox, kafka, batchSize: 5, pollMs: 5 });
  assert.match(relay.owner, /^kafka-relay-[0-9a-f-]{36}$/);
  relay.start();
  await waitUntil(async () => (await outbox.pending()) === 0, 'an empty outbox', 5_000, 5);
  await relay.stop();
  assert.is(producers(), 1);
  assert.is(disconnects(), 1, 'the publisher the relay made is closed by stop');
  assert.ok(batches.every((b) => b.acks === -1));
  const records = batches.flatMap((b) => b.topicMessages?.flatMap((t) => t.messages) ?? []);
  assert.ok(
    batches.every((b) => (b.topicMessages?.flatMap((t) => t.messages).length ?? 0) <= 5),
    'batchSize messages per sendBatch',
  );
  assert.is(records.length, 12);
  assert.is(
    records[0]?.value,
    '{"type":"Happened",  "raw":true}',
    'payloadJson as it is, not parsed and re-serialised',
  );
  assert.is(records[1]?.value, JSON.stringify(messages[1]?.payload));
  assert.equal(
    records.map((r) => r.headers?.['ordo-event-id']),
    messages.map((m) => m.id),
  );
  assert.is(relay.published(), 12);
});

test('a given publisher is used and never closed; the Kafka defaults reach the outbox', async () => {
  const outbox = createInMemoryOutbox();
  outbox.add(fill(2, 2));
  const claims: Array<{ batchSize: number; leaseMs: number; ahead?: boolean }> = [];
  const spied = {
    ...outbox,
    claim: async (options: Parameters<typeof outbox.claim>[0]) => {
      claims.push({
        batchSize: options.batchSize,
        leaseMs: options.leaseMs,
        ...(options.ahead ? { ahead: true } : {}),
      });
      return outbox.claim(options);
    },
  };
  let closed = 0;
  const sent: string[] = [];
  const publisher: Publisher & { close(): Promise<void> } = {
    publish: async (batch) => void sent.push(...batch.map((m) => m.id)),
    close: async () => void (closed += 1),
  };
  const relay = createKafkaOutboxRelay({ outbox: spied, publisher, owner: 'given' });
  relay.start();
  await waitUntil(() => sent.length === 4, 'the messages', 5_000, 5);
  await relay.stop();
  assert.is(closed, 0);
  assert.equal(claims[0], { batchSize: 1_000, leaseMs: 60_000 }, 'two batches of 500 per claim, 60 s leases');
  assert.is(await relay.runOnce(), 0, 'runOnce claims batchSize (500) by hand');
  assert.equal(claims[claims.length - 1], { batchSize: 500, leaseMs: 60_000 });
});

test('errorBackoff is the kernel loop backoff', async () => {
  const outbox = createInMemoryOutbox();
  outbox.add(fill(1, 1));
  let failures = 2;
  const waits: number[] = [];
  const relay = createKafkaOutboxRelay({
    outbox,
    owner: 'b',
    publisher: {
      publish: async () => {
        if (failures-- > 0) throw new Error('broker down');
      },
    },
    errorBackoff: { initialMs: 7, factor: 3, maxMs: 100 },
    wait: async (ms, signal) => {
      waits.push(ms);
      if (ms >= 100) await new Promise<void>((resolve) => signal?.addEventListener('abort', () => resolve()));
    },
  });
  relay.start();
  await waitUntil(() => relay.published() === 1, 'the message', 5_000, 5);
  await relay.stop();
  assert.equal(waits.slice(0, 2), [7, 21]);
});

test('bad options are refused with an invalid_options error naming the option, before a producer is made', async () => {
  const outbox = createInMemoryOutbox();
  const { kafka, producers } = fakeKafka();
  const cases: ReadonlyArray<readonly [Record<string, unknown>, string, unknown]> = [
    [{ batchSize: 0 }, 'batchSize', 0],
    [{ batchSize: 1.5 }, 'batchSize', 1.5],
    [{ leaseMs: -1 }, 'leaseMs', -1],
    [{ owner: '' }, 'owner', ''],
  ];
  for (const [bad, path, actual] of cases) {
    const error = await rejects(async () => createKafkaOutboxRelay({ outbox, kafka, ...bad }));
    assert.instance(error, InvalidInputError);
    const e = error as InvalidInputError;
    assert.is(e.code, 'invalid_options', `${path}: code`);
    assert.is(e.issues.length, 1, `${path}: one issue`);
    assert.is(e.issues[0]?.path, path);
    assert.is(e.issues[0]?.actual, actual);
    assert.match(e.message, path);
  }
  assert.is(producers(), 0);
});

test.run();
