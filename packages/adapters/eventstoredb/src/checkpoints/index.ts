// The kernel's `CheckpointStore` port on EventStoreDB. Public surface of this folder.
export { EventStoreDbCheckpointStore } from './eventstoredb-checkpoint-store';
export type { EventStoreDbCheckpointStoreOptions } from './eventstoredb-checkpoint-store';
