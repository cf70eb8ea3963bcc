export { createInMemoryOutbox } from './in-memory-outbox';
export type { InMemoryOutbox, InMemoryOutboxOptions, OutboxEntry } from './in-memory-outbox';
