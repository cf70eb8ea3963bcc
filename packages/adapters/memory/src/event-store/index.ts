export { createInMemoryEventStore } from './in-memory-event-store';
export type { InMemoryEventStore, InMemoryEventStoreOptions } from './in-memory-event-store';
export type { InlineProjectionEntry, InlineProjectionHook } from './inline-projection-hook';
