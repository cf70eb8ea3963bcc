/** The relay from the kernel's `Outbox` port to Kafka (through the `Publisher` port). */
export { createKafkaOutboxRelay } from './kafka-outbox-relay';
export type { KafkaOutboxRelay, KafkaOutboxRelayOptions } from './kafka-outbox-relay';
