import { type OutgoingMessage, streamCategory } from '@ordo/kernel';

/** Chooses the Kafka topic of an outgoing message. */
export type KafkaTopicRoute = (message: OutgoingMessage) => string;

/** The stream a message belongs to: its `ordo-stream-id` header, else its key (the stream id by default). */
export const messageStreamId = (message: OutgoingMessage): string => message.headers['ordo-stream-id'] ?? message.key;

/**
 * One topic per stream category: `order-42` goes to `order` (with `prefix`, to `<prefix>order`).
 * This is the default route; it ignores `message.topic`.
 */
export const routeByStreamCategory =
  (prefix = ''): KafkaTopicRoute =>
  (message) =>
    `${prefix}${streamCategory(messageStreamId(message))}`;

/**
 * Uses the topic the outbox routing already chose (`message.topic`), with an optional prefix;
 * falls back to the stream category when the message names no topic.
 */
export const routeToMessageTopic =
  (prefix = ''): KafkaTopicRoute =>
  (message) =>
    `${prefix}${message.topic === '' ? streamCategory(messageStreamId(message)) : message.topic}`;
