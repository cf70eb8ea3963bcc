// The kernel's `EventStore` port on EventStoreDB. Public surface of this folder (re-exported by the
// package entry); the mappings beside it (versions, positions, ids, metadata, errors, read
// options, stream names, the append plan) are internal and imported by module.
export { EventStoreDbEventStore } from './eventstoredb-event-store';
export type { EventStoreDbEventStoreOptions } from './eventstoredb-event-store';
export { UnsupportedPositionError } from './position-mapping';
export { isTransientError } from './error-mapping';
export { EVENTSTOREDB_CONFORMANCE_GAPS } from './conformance-gaps';
