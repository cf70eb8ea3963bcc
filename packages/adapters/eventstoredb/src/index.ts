/**
 * @ordo/adapter-eventstoredb: Ordo's event store, checkpoint store and snapshot store on
 * EventStoreDB / KurrentDB through the official `@eventstore/db-client`.
 *
 * The public surface, by port. Everything else in `src/` (the mappings of versions, positions,
 * event ids, metadata and errors, the append plan, the subscription machinery) is internal.
 */
export { createEventStoreDbAdapter } from './client';
export type {
  ClientRead,
  ClientSubscription,
  EventStoreDbAdapter,
  EventStoreDbAdapterOptions,
  EventStoreDbClientPort,
} from './client';
export {
  EVENTSTOREDB_CONFORMANCE_GAPS,
  EventStoreDbEventStore,
  UnsupportedPositionError,
  isTransientError,
} from './event-store';
export type { EventStoreDbEventStoreOptions } from './event-store';
export type { RetryPolicy, SubscriptionSettings } from './subscriptions';
export { EventStoreDbCheckpointStore } from './checkpoints';
export type { EventStoreDbCheckpointStoreOptions } from './checkpoints';
export { EventStoreDbSnapshotStore } from './snapshots';
export type { EventStoreDbSnapshotStoreOptions } from './snapshots';
