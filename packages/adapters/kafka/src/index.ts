/**
 * @ordo/adapter-kafka: Kafka for Ordo on kafkajs. A publisher of integration events, an outbox
 * relay (at-least-once, per-stream order, several relays at once), a consumer-group member with
 * inbox dedup, retries and a dead-letter topic, and topic administration helpers.
 */
export * from './backoff';
export * from './consumer-events';
export * from './dead-letter';
export * from './kafka-client';
export * from './kafka-consumer';
export * from './kafka-publisher';
export * from './kafka-record';
export * from './managed-producer';
export * from './message-consumer';
export * from './message-headers';
export * from './message-processor';
export * from './outbox-relay';
export * from './topic-admin';
export * from './topic-names';
export * from './topic-routing';
