import type { OutgoingMessage, Publisher } from '@ordo/kernel';
import type { Kafka } from 'kafkajs';
import { toTopicMessages } from './kafka-record';
import { createManagedProducer, type ProducerOptions } from './managed-producer';
import { type KafkaTopicRoute, routeToMessageTopic } from './topic-routing';

/** Options of {@link createKafkaPublisher}. */
export interface KafkaPublisherOptions extends ProducerOptions {
  readonly kafka: Kafka;
  /**
   * Chooses each message's topic. Default {@link routeToMessageTopic}: the topic the outbox
   * routing chose, which the kernel's default routing makes one topic per stream category.
   */
  readonly route?: KafkaTopicRoute;
}

/** A {@link Publisher} over Kafka that owns its producer. */
export interface KafkaPublisher extends Publisher {
  /** Waits for the publish in progress, then disconnects the producer. */
  close(): Promise<void>;
}

/**
 * Publishes messages to Kafka: key = the message key (the stream id, so one stream stays in one
 * partition, in order), value = the payload as JSON, headers = the message headers plus
 * `ordo-event-id` / `ordo-event-type`. One `publish` is one `sendBatch` with `acks: -1` on an
 * idempotent producer; it resolves once every partition acknowledged its messages. Invalid input
 * (bad topic, empty id or key, non-string header, payload JSON cannot carry) rejects with an
 * `InvalidInputError` before anything is sent.
 *
 * A rejected publish may still have reached some partitions: callers retry the whole batch, and
 * consumers deduplicate by message id (at-least-once).
 */
export const createKafkaPublisher = (options: KafkaPublisherOptions): KafkaPublisher => {
  const route = options.route ?? routeToMessageTopic();
  const producer = createManagedProducer(options.kafka, options);
  return {
    async publish(messages: ReadonlyArray<OutgoingMessage>): Promise<void> {
      if (messages.length === 0) return;
      await producer.sendBatch(toTopicMessages(messages, route));
    },
    close: () => producer.close(),
  };
};
