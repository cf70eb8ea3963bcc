// The kernel's `SnapshotStore` port on EventStoreDB. Public surface of this folder.
export { EventStoreDbSnapshotStore } from './eventstoredb-snapshot-store';
export type { EventStoreDbSnapshotStoreOptions } from './eventstoredb-snapshot-store';
