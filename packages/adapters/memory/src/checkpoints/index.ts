export { createInMemoryCheckpointStore } from './in-memory-checkpoint-store';
export type { InMemoryCheckpointStore } from './in-memory-checkpoint-store';
