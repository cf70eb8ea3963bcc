export { createInMemoryInbox } from './in-memory-inbox';
export type { InMemoryInbox } from './in-memory-inbox';
