/**
 * The kernel's `MessageConsumer` port on Kafka (with the `Inbox` port for dedup): the consumer-group
 * member, the port itself, what a consumer reports, and the dead-letter headers. The per-message
 * pipeline is internal to the package.
 */
export { createKafkaConsumer } from './kafka-consumer';
export type { KafkaConsumer, KafkaConsumerOptions, KafkaConsumerStats } from './kafka-consumer';
export { createKafkaMessageConsumer } from './kafka-message-consumer';
export type { KafkaMessageConsumerOptions } from './kafka-message-consumer';
export type { MessageContext } from './message-processor';
export type { ConsumerEvent, MessagePosition } from './consumer-events';
export { DEAD_LETTER_HEADER, defaultDeadLetterTopic, readDeadLetterHeaders } from './dead-letter';
export type { DeadLetterReason, DeadLetterRecord } from './dead-letter';
