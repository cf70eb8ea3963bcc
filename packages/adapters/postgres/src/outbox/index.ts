// The kernel's `Outbox` port on PostgreSQL: the append hooks and the writer that fill it, the
// outbox relays claim from, and the kernel's relay on it. Public surface of this folder.
export { PostgresOutbox, outboxHook, outboxMessagesHook, writeOutboxMessages } from './postgres-outbox';
export { createPostgresOutboxRelay } from './outbox-relay';
export type { PostgresOutboxRelayOptions } from './outbox-relay';
