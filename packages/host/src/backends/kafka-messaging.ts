import {
  createKafkaClient,
  createKafkaMessageConsumer,
  createKafkaPublisher,
  defaultDeadLetterTopic,
  ensureTopics,
  routeToMessageTopic,
  withAdmin,
} from '@ordo/adapter-kafka';
import type { Inbox } from '@ordo/kernel';
import type { MessagingBackend } from './messaging-backend';

/**
 * The consumers' inbox on Kafka: none of its own. Every host handler deduplicates by itself (the
 * saga and the domains by command id in their streams, the dispatcher and notifications through
 * the store's inbox, timers by id), so a second dedup per delivery would only cost a transaction.
 */
const handlersDeduplicate: Inbox<unknown> = {
  handleOnce: async (_consumer, _messageId, effect) => ({ duplicate: false, result: await effect(undefined) }),
  has: async () => false,
};

/** Options of {@link kafkaMessaging}. */
export interface KafkaMessagingOptions {
  readonly brokers: ReadonlyArray<string>;
  readonly clientId: string;
  readonly partitions: number;
  /** Partitions each consumer handles at once (each one in order). */
  readonly concurrency: number;
  /**
   * Put in front of every consumer group id (the deployment's topic prefix): two deployments on
   * one broker must not share a group, or kafkajs' leader assigns its own topics to the other's
   * members, which drop them, and partitions go unread. Default none.
   */
  readonly groupPrefix?: string;
  /** Handler tries before a message goes to `<topic>.dlq` (default 5). */
  readonly maxAttempts?: number;
  readonly onDeadLetter: (line: string) => void;
}

/**
 * Messaging on Kafka: one idempotent producer for the relay (topics as the outbox chose them),
 * and a consumer-group member per subscription with retries and a dead-letter topic per source
 * topic (`<topic>.dlq`). `prepare` creates the topics and their dead-letter topics.
 */
export const kafkaMessaging = (options: KafkaMessagingOptions): MessagingBackend => {
  const kafka = createKafkaClient({ brokers: options.brokers, clientId: options.clientId });
  const publisher = createKafkaPublisher({ kafka, route: routeToMessageTopic() });
  const consumer = createKafkaMessageConsumer({
    kafka,
    inbox: handlersDeduplicate,
    maxAttempts: options.maxAttempts ?? 5,
    sessionTimeoutMs: 10_000,
    heartbeatIntervalMs: 1_000,
    partitionsConsumedConcurrently: options.concurrency,
    onEvent: (event) => {
      if (event.type === 'dead-lettered') {
        options.onDeadLetter(
          `dead-lettered ${event.topic}[${event.partition}]@${event.offset} to ${event.deadLetterTopic} after ${event.attempts} attempts: ${String(event.error)}`,
        );
      }
    },
  });
  return {
    kind: 'kafka',
    publisher,
    subscribe: (subscription) =>
      consumer.subscribe({ ...subscription, group: `${options.groupPrefix ?? ''}${subscription.group}` }),
    prepare: async (topics) => {
      await ensureTopics(
        kafka,
        topics.flatMap((topic) => [
          { topic, partitions: options.partitions },
          { topic: defaultDeadLetterTopic(topic), partitions: 1 },
        ]),
      );
    },
    ping: () => withAdmin(kafka, async (admin) => void (await admin.describeCluster())),
    close: () => publisher.close(),
  };
};
