/** The host's backends: a store with what lives beside it, and a messaging transport. */
export { memoryStore } from './memory-store';
export { postgresStore } from './postgres-store';
export type { PostgresStoreOptions } from './postgres-store';
export { eventStoreDbStore } from './eventstoredb-store';
export { memoryMessaging } from './memory-messaging';
export { kafkaMessaging } from './kafka-messaging';
export type { KafkaMessagingOptions } from './kafka-messaging';
export type { MessagingBackend } from './messaging-backend';
export type { RelaySettings, StoreBackend, StoreBackendContext } from './store-backend';
