export { createInMemorySnapshotStore } from './in-memory-snapshot-store';
export type { InMemorySnapshotStore } from './in-memory-snapshot-store';
