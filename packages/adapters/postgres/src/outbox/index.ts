// The kernel's `Outbox` port on PostgreSQL: the append hook that writes it, the outbox relays
// claim from, and a relay worker. Public surface of this folder.
export { PostgresOutbox, outboxHook } from './postgres-outbox';
export { createOutboxRelay } from './outbox-relay';
export type { OutboxRelay, OutboxRelayOptions } from './outbox-relay';
