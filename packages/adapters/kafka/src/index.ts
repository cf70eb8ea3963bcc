/**
 * @ordo/adapter-kafka: Kafka for Ordo on kafkajs. A publisher of integration events, an outbox
 * relay (at-least-once, per-stream order, several relays at once), a consumer-group member with
 * inbox dedup, retries and a dead-letter topic, and topic administration helpers.
 *
 * This is the whole public surface, by name. The folders follow the kernel's ports: `publisher/`
 * (`Publisher`), `consumer/` (`MessageConsumer`, with an `Inbox`), `relay/` (`Outbox` to
 * `Publisher`), plus `client/` (the kafkajs client, topic administration) and `runtime/`
 * (backoff, option checks).
 */
export { createKafkaClient, deleteTopics, ensureTopics, topicPartitionCounts, withAdmin } from './client';
export type {
  EnsureTopicsResult,
  KafkaClientOptions,
  KafkaLogLevel,
  KafkaLogLine,
  KafkaLogSink,
  TopicSpec,
} from './client';
export { createKafkaPublisher, routeByStreamCategory, routeToMessageTopic } from './publisher';
export type { KafkaPublisher, KafkaPublisherOptions, KafkaTopicRoute, ProducerOptions } from './publisher';
export { createKafkaOutboxRelay } from './relay';
export type { KafkaOutboxRelayOptions } from './relay';
export {
  createKafkaConsumer,
  createKafkaMessageConsumer,
  DEAD_LETTER_HEADER,
  defaultDeadLetterTopic,
  readDeadLetterHeaders,
} from './consumer';
export type {
  BatchContext,
  BatchHandler,
  BatchMessage,
  ConsumerEvent,
  DeadLetterReason,
  DeadLetterRecord,
  KafkaConsumer,
  KafkaConsumerHandler,
  KafkaConsumerOptions,
  KafkaConsumerSettings,
  KafkaConsumerStats,
  KafkaMessageConsumerOptions,
  MessageContext,
  MessagePosition,
} from './consumer';
export type { BackoffPolicy } from './runtime';
