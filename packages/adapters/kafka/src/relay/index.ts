/**
 * The kernel's outbox relay publishing to Kafka: `createKafkaOutboxRelay` is `createOutboxRelay`
 * with a Kafka publisher and this adapter's defaults.
 */
export { createKafkaOutboxRelay } from './kafka-outbox-relay';
export type { KafkaOutboxRelayOptions } from './kafka-outbox-relay';
