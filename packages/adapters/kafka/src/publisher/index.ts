/**
 * The kernel's `Publisher` port on Kafka: the publisher, its topic routes and the producer settings
 * every producer of the adapter takes. Record building, the header names and the managed producer
 * are internal to the package.
 */
export { createKafkaPublisher } from './kafka-publisher';
export type { KafkaPublisher, KafkaPublisherOptions } from './kafka-publisher';
export type { ProducerOptions } from './managed-producer';
export { routeByStreamCategory, routeToMessageTopic } from './topic-routing';
export type { KafkaTopicRoute } from './topic-routing';
