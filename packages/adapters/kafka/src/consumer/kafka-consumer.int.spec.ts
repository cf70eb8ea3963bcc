import { defineMessages, type IncomingMessage, type MessageConsumer, type OutgoingMessage } from '@ordo/kernel';
import { createInMemoryInbox } from '@ordo/adapter-memory';
import * as t from 'io-ts';
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { deleteTopics, ensureTopics, topicPartitionCounts } from '../client';
import { createKafkaPublisher, routeToMessageTopic } from '../publisher';
import { decodeHeaders } from '../publisher/message-headers';
import { openKafkaTestEnv, rejects, waitUntil } from '../test-support/kafka-test-env';
import type { ConsumerEvent } from './consumer-events';
import { DEAD_LETTER_HEADER, readDeadLetterHeaders } from './dead-letter';
import { createKafkaConsumer } from './kafka-consumer';
import { createKafkaMessageConsumer } from './kafka-message-consumer';

const env = await openKafkaTestEnv('ordo-kafka-consumer-spec');
const kafka = env.kafka;
const Kafka = suite('kafka publisher, consumer and dead letters (real broker)');
const topicsToDelete: string[] = [];

const Events = defineMessages({ Deposited: { account: t.string, amount: t.number, seq: t.number } });
type Event = t.TypeOf<typeof Events.codec>;

const outgoing = (topic: string, key: string, seq: number, payload: unknown = undefined): OutgoingMessage => ({
  id: `${key}:${seq}`,
  topic,
  key,
  type: 'Deposited',
  payload: payload ?? { type: 'Deposited', account: key, amount: 1, seq },
  headers: {
    'ordo-stream-id': key,
    'ordo-stream-version': String(seq),
    'ordo-correlation-id': `corr-${key}`,
    'ordo-causation-id': `cause-${seq}`,
    'ordo-schema-version': '1',
    traceparent: '00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01',
  },
});

Kafka('ensureTopics creates topics with partitions, leaves existing ones and rejects bad specs', async () => {
  const topic = env.unique('ordo-admin');
  topicsToDelete.push(topic);
  const first = await ensureTopics(kafka, [{ topic, partitions: 4, replicationFactor: 1 }]);
  assert.equal(first.created, [topic]);
  const again = await ensureTopics(kafka, [{ topic, partitions: 4 }]);
  assert.equal(again, { created: [], existing: [{ topic, partitions: 4 }] });
  assert.equal(await topicPartitionCounts(kafka, [topic, 'ordo-no-such-topic']), { [topic]: 4 });
  await rejects(() => ensureTopics(kafka, [{ topic: 'bad topic', partitions: 1 }]));
  await rejects(() => ensureTopics(kafka, [{ topic: env.unique('ordo-admin'), partitions: 0 }]));
});

Kafka('publisher: key = stream id, headers, one partition per stream, per-stream order', async () => {
  const topic = env.unique('ordo-pub');
  topicsToDelete.push(topic);
  await ensureTopics(kafka, [{ topic, partitions: 3 }]);
  const publisher = createKafkaPublisher({ kafka });
  const keys = ['order-1', 'order-2', 'order-3', 'order-4', 'order-5'];
  const messages = Array.from({ length: 10 }, (_, seq) => keys.map((key) => outgoing(topic, key, seq))).flat();
  await publisher.publish(messages);
  await publisher.close();

  const consumer = kafka.consumer({ groupId: env.unique('ordo-raw'), maxWaitTimeInMs: 500 });
  const seen: Array<{ key: string; partition: number; headers: Record<string, string>; value: unknown }> = [];
  await consumer.connect();
  await consumer.subscribe({ topics: [topic], fromBeginning: true });
  await consumer.run({
    eachMessage: async ({ partition, message }) => {
      seen.push({
        key: String(message.key),
        partition,
        headers: decodeHeaders(message.headers),
        value: JSON.parse(String(message.value)),
      });
    },
  });
  await waitUntil(() => seen.length >= messages.length, 'all published messages');
  await consumer.disconnect();
  assert.is(seen.length, messages.length);
  for (const key of keys) {
    const mine = seen.filter((m) => m.key === key);
    assert.is(new Set(mine.map((m) => m.partition)).size, 1, `${key} stays in one partition`);
    assert.equal(
      mine.map((m) => (m.value as Event).seq),
      Array.from({ length: 10 }, (_, i) => i),
      `${key} in order`,
    );
    const h = mine[0]!.headers;
    assert.is(h['ordo-event-id'], `${key}:0`);
    assert.is(h['ordo-event-type'], 'Deposited');
    assert.is(h['ordo-correlation-id'], `corr-${key}`);
    assert.is(h['ordo-causation-id'], 'cause-0');
    assert.is(h['ordo-schema-version'], '1');
    assert.is(h.traceparent, '00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01');
  }
  assert.ok(new Set(seen.map((m) => m.partition)).size > 1, 'keys spread over partitions');
});

Kafka('publisher rejects invalid messages before sending anything', async () => {
  const publisher = createKafkaPublisher({ kafka, route: routeToMessageTopic() });
  const topic = env.unique('ordo-invalid');
  await rejects(
    () => publisher.publish([outgoing(topic, 'k-1', 0), { ...outgoing('bad topic!', 'k-2', 0) }]),
    /invalid Kafka|cannot publish/,
  );
  await publisher.close();
  assert.equal(await topicPartitionCounts(kafka, [topic]), {}, 'nothing sent, not even the valid message');
});

Kafka('a poison message lands in the dead-letter topic and the partition keeps flowing', async () => {
  const topic = env.unique('ordo-poison');
  const dlq = `${topic}.dlq`;
  topicsToDelete.push(topic, dlq);
  await ensureTopics(kafka, [
    { topic, partitions: 1 },
    { topic: dlq, partitions: 1 },
  ]);
  // One partition, one key: the good messages after the poison ones must still get through.
  const messages: OutgoingMessage[] = [
    outgoing(topic, 'account-1', 0),
    outgoing(topic, 'account-1', 1, { type: 'Deposited', account: 'account-1', amount: 'lots', seq: 1 }),
    outgoing(topic, 'account-1', 2),
    outgoing(topic, 'account-1', 3), // its handler always fails
    outgoing(topic, 'account-1', 4),
    outgoing(topic, 'account-1', 5),
  ];
  const publisher = createKafkaPublisher({ kafka });
  await publisher.publish(messages);
  await publisher.close();

  const inbox = createInMemoryInbox();
  const applied: number[] = [];
  const events: ConsumerEvent[] = [];
  const group = env.unique('ordo-poison-group');
  const consumer = createKafkaConsumer({
    kafka,
    groupId: group,
    topics: [topic],
    codec: Events.codec,
    inbox,
    maxAttempts: 3,
    retryBackoff: { initialMs: 20, maxMs: 50 },
    onEvent: (e) => events.push(e),
    handle: async (event) => {
      if (event.seq === 3) throw new Error('cannot apply deposit 3');
      applied.push(event.seq);
    },
  });
  await consumer.start();
  await waitUntil(() => applied.includes(5), 'the messages after the poison ones');
  await waitUntil(() => consumer.stats().commits > 0, 'a commit');
  await consumer.stop();
  assert.equal(applied, [0, 2, 4, 5]);
  assert.equal(consumer.stats(), { ...consumer.stats(), handled: 4, deadLettered: 2 });
  assert.is(events.filter((e) => e.type === 'retrying').length, 2, 'deposit 3 retried twice before giving up');

  const dead: Array<{ key: string; value: string; headers: Record<string, string> }> = [];
  const reader = kafka.consumer({ groupId: env.unique('ordo-dlq-reader'), maxWaitTimeInMs: 500 });
  await reader.connect();
  await reader.subscribe({ topics: [dlq], fromBeginning: true });
  await reader.run({
    eachMessage: async ({ message }) => {
      dead.push({ key: String(message.key), value: String(message.value), headers: decodeHeaders(message.headers) });
    },
  });
  await waitUntil(() => dead.length >= 2, 'two dead letters');
  await reader.disconnect();
  const [undecodable, failed] = dead.map((d) => ({ ...d, record: readDeadLetterHeaders(d.headers) }));
  assert.is(undecodable?.record?.reason, 'undecodable');
  assert.is(undecodable?.record?.offset, '1');
  assert.is(undecodable?.record?.attempts, 0);
  assert.match(undecodable?.record?.error ?? '', /amount: expected number/);
  assert.is(undecodable?.key, 'account-1');
  assert.is(undecodable?.headers['ordo-event-id'], 'account-1:1', 'original headers kept');
  assert.is(failed?.record?.reason, 'handler-failed');
  assert.is(failed?.record?.topic, topic);
  assert.is(failed?.record?.partition, 0);
  assert.is(failed?.record?.offset, '3');
  assert.is(failed?.record?.attempts, 3);
  assert.is(failed?.record?.group, group);
  assert.is(failed?.headers[DEAD_LETTER_HEADER.error], 'cannot apply deposit 3');
  assert.equal(JSON.parse(failed?.value ?? 'null'), { type: 'Deposited', account: 'account-1', amount: 1, seq: 3 });

  // The group committed past the poison: a new member of the group receives nothing again.
  const fresh: number[] = [];
  const second = createKafkaConsumer({
    kafka,
    groupId: group,
    topics: [topic],
    codec: Events.codec,
    inbox: createInMemoryInbox(),
    handle: async (event) => {
      fresh.push(event.seq);
    },
  });
  await second.start();
  await second.joined();
  await new Promise((r) => setTimeout(r, 1_500));
  await second.stop();
  assert.equal(fresh, [], 'committed offsets: nothing re-read');
});

Kafka(
  'the kernel MessageConsumer port: parsed payloads, metadata headers, duplicates dropped by the inbox',
  async () => {
    const topic = env.unique('ordo-port');
    topicsToDelete.push(topic);
    await ensureTopics(kafka, [{ topic, partitions: 2 }]);
    const publisher = createKafkaPublisher({ kafka });
    const first = [outgoing(topic, 'account-7', 0), outgoing(topic, 'account-7', 1)];
    await publisher.publish(first);
    await publisher.publish([first[0]!]); // a duplicate delivery, as after a relay crash
    await publisher.close();
    const received: IncomingMessage[] = [];
    const port: MessageConsumer = createKafkaMessageConsumer({ kafka, inbox: createInMemoryInbox() });
    const subscription = await port.subscribe({
      topics: [topic],
      group: env.unique('ordo-port-group'),
      handle: async (message) => {
        received.push(message);
      },
    });
    await waitUntil(() => received.length >= 2, 'two messages');
    await new Promise((r) => setTimeout(r, 1_000));
    await subscription.stop();
    assert.equal(
      received.map((m) => [m.id, m.key, m.type, m.topic, m.attempt]),
      [
        ['account-7:0', 'account-7', 'Deposited', topic, 1],
        ['account-7:1', 'account-7', 'Deposited', topic, 1],
      ],
    );
    assert.equal(received[1]?.payload, { type: 'Deposited', account: 'account-7', amount: 1, seq: 1 });
    assert.is(received[1]?.headers['ordo-causation-id'], 'cause-1');
  },
);

Kafka.after(async () => {
  await deleteTopics(kafka, topicsToDelete).catch(() => undefined);
  await env.close();
});

Kafka.run();
