import { createInMemoryInbox } from '@ordo/adapter-memory';
import { messageConsumerConformance } from '@ordo/kernel/testing';
import { test } from 'uvu';
import { deleteTopics, ensureTopics } from '../client';
import { type KafkaPublisher, createKafkaPublisher } from '../publisher';
import { openKafkaTestEnv } from '../test-support/kafka-test-env';
import { createKafkaMessageConsumer } from './kafka-message-consumer';

/**
 * The kernel's message consumer suite against a real Kafka broker (KAFKA_BROKERS, or the local
 * broker of scripts/kafka/broker.sh): the publisher and `createKafkaMessageConsumer` with an
 * in-memory inbox, each case on its own topics and groups. Timings are tuned for a local broker:
 * fast fetches and retries, a short session so that a stopped member's partitions move at once.
 */
const env = await openKafkaTestEnv('ordo-kafka-consumer-conformance');
const topics: string[] = [];
const publishers = new Map<object, KafkaPublisher>();

messageConsumerConformance(test, {
  create: async () => {
    const publisher = createKafkaPublisher({ kafka: env.kafka });
    const consumer = createKafkaMessageConsumer({
      kafka: env.kafka,
      inbox: createInMemoryInbox(),
      maxWaitTimeInMs: 100,
      sessionTimeoutMs: 6_000,
      heartbeatIntervalMs: 500,
      rebalanceTimeoutMs: 3_000,
      retryBackoff: { initialMs: 20, maxMs: 100 },
    });
    const setup = {
      consumer,
      publisher,
      prepareTopics: async (names: ReadonlyArray<string>) => {
        topics.push(...names);
        await ensureTopics(
          env.kafka,
          names.map((topic) => ({ topic, partitions: 2, replicationFactor: 1 })),
        );
      },
    };
    publishers.set(setup, publisher);
    return setup;
  },
  dispose: async (setup) => {
    await publishers.get(setup)?.close();
    publishers.delete(setup);
  },
  timeoutMs: 60_000,
  quietMs: 2_000,
});

test.after(async () => {
  await deleteTopics(env.kafka, topics).catch(() => undefined);
  await env.close();
});

test.run();
