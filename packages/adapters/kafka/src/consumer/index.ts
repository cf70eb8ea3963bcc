/**
 * The kernel's `MessageConsumer` port on Kafka (with the `Inbox` port for dedup): the consumer-group
 * member, the port itself, what a consumer reports, and the dead-letter headers. The partition
 * loop, the chunk and per-message pipelines are internal to the package.
 */
export { createKafkaConsumer } from './kafka-consumer';
export type {
  KafkaConsumer,
  KafkaConsumerHandler,
  KafkaConsumerOptions,
  KafkaConsumerSettings,
  KafkaConsumerStats,
} from './kafka-consumer';
export type { BatchContext, BatchHandler, BatchMessage } from './chunk-processor';
export { createKafkaMessageConsumer } from './kafka-message-consumer';
export type { KafkaMessageConsumerOptions } from './kafka-message-consumer';
export type { MessageContext } from './message-processor';
export type { ConsumerEvent, MessagePosition } from './consumer-events';
export { DEAD_LETTER_HEADER, defaultDeadLetterTopic, readDeadLetterHeaders } from './dead-letter';
export type { DeadLetterReason, DeadLetterRecord } from './dead-letter';
