// ordo dlq list / replay against a real Kafka broker: a consumer that always fails dead-letters a
// message to `<topic>.dlq`; `list` shows it with its reason, `replay` sends it back to its source
// topic once (a second replay sends nothing), and `list` then marks it replayed.
import { randomUUID } from 'node:crypto';
import { createKafkaClient, createKafkaMessageConsumer, createKafkaPublisher, ensureTopics } from '@ordo/adapter-kafka';
import { createInMemoryInbox } from '@ordo/adapter-memory';
import type { IncomingMessage } from '@ordo/kernel';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { hostTopics } from '../messaging/topics';
import { eventually } from '../test-support';
import { runOrdo } from './test-support';

interface Broker {
  readonly brokers: string[];
  stop(): Promise<void>;
}
const brokerScript = new URL('../../../../scripts/kafka/broker.mjs', import.meta.url);
const broker = await ((await import(brokerScript.href)) as { ensureBroker: () => Promise<Broker> }).ensureBroker();
const brokers = broker.brokers.join(',');
const prefix = `dlqtest${randomUUID().slice(0, 8)}.`;
const topics = hostTopics(prefix);
const kafka = createKafkaClient({ brokers: broker.brokers, clientId: 'ordo-dlq-test', logLevel: 'nothing' });

test.after(async () => {
  await broker.stop();
});

test('a dead letter is listed with its reason, replayed to its source topic once, then marked replayed', async () => {
  await ensureTopics(
    kafka,
    [topics.events.order, `${topics.events.order}.dlq`].map((topic) => ({ topic, partitions: 1 })),
  );
  const failing = createKafkaMessageConsumer({ kafka, inbox: createInMemoryInbox(), maxAttempts: 1 });
  const stopFailing = await failing.subscribe({
    topics: [topics.events.order],
    group: 'always-fails',
    handle: async () => {
      throw new Error('this handler refuses everything');
    },
  });
  const seen: IncomingMessage[] = [];
  const watcher = createKafkaMessageConsumer({
    kafka,
    inbox: {
      handleOnce: async (_c, _i, e) => ({ duplicate: false, result: await e(undefined) }),
      has: async () => false,
    },
  });
  const stopWatcher = await watcher.subscribe({
    topics: [topics.events.order],
    group: 'watcher',
    handle: async (m) => void seen.push(m),
  });
  const publisher = createKafkaPublisher({ kafka });
  try {
    await publisher.publish([
      {
        id: 'm-1',
        topic: topics.events.order,
        key: 'order-1',
        type: 'OrderPlaced',
        payload: { orderId: '1' },
        headers: {},
      },
    ]);
    const list = async () =>
      runOrdo(['dlq', 'list', '--kafka-brokers', brokers, '--topic-prefix', prefix, '--timeout-ms', '20000']);
    assert.ok(
      await eventually(async () => /1 dead letter\(s\)/.test((await list()).stdout), 30_000, 500),
      'dead-lettered',
    );
    const listed = await list();
    assert.is(listed.status, 0, listed.stderr);
    assert.match(listed.stdout, /order\.dlq\[0\]@0 key order-1 type OrderPlaced/);
    assert.match(listed.stdout, /handler-failed after 1 attempt\(s\) in group always-fails/);
    assert.match(listed.stdout, /this handler refuses everything/);
    assert.match(listed.stdout, /1 dead letter\(s\) in \d+ dead-letter topic\(s\), 0 replayed/);

    assert.ok(await eventually(async () => seen.length === 1, 20_000, 200), 'the watcher saw the original');
    // The failing consumer goes away, so the replayed copy is not dead-lettered again.
    await stopFailing.stop();
    const replay = runOrdo([
      'dlq',
      'replay',
      '--kafka-brokers',
      brokers,
      '--topic-prefix',
      prefix,
      '--timeout-ms',
      '20000',
    ]);
    assert.is(replay.status, 0, replay.stdout + replay.stderr);
    assert.ok(await eventually(async () => seen.length === 2, 20_000, 200), 'the replay reached the source topic');
    assert.is(seen[1]?.id, 'm-1', 'the same message id, so consumers deduplicate it');
    assert.ok(
      Object.keys(seen[1]?.headers ?? {}).every((h) => !h.startsWith('ordo-dlq-')),
      'the dead-letter headers are not sent back',
    );
    const again = runOrdo([
      'dlq',
      'replay',
      '--kafka-brokers',
      brokers,
      '--topic-prefix',
      prefix,
      '--timeout-ms',
      '20000',
    ]);
    assert.is(again.status, 0, again.stdout + again.stderr);
    const after = await list();
    assert.match(after.stdout, /\(replayed\)/);
    assert.match(after.stdout, /1 dead letter\(s\) in \d+ dead-letter topic\(s\), 1 replayed/);
    await new Promise((resolve) => setTimeout(resolve, 2_000));
    assert.is(seen.length, 2, 'a second replay sent nothing');
  } finally {
    await stopFailing.stop(); // idempotent
    await stopWatcher.stop();
    await publisher.close();
  }
});

test.run();
