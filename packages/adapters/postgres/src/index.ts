/**
 * @ordo/adapter-postgres: Ordo's ports on PostgreSQL through `pg`. The event store writes with
 * group commit and keeps a gap-free global order; the schema is created and upgraded by versioned
 * migrations (`migrate`), which other modules extend from version 100 up.
 *
 * The public surface, by port. Everything else in `src/` (the write path: append requests and
 * statements, group commit, append notifications, storable text; the name and option checks) is
 * internal.
 */
export { PostgresEventStore, appendLockSql, createPostgresEventStore } from './event-store';
export type {
  CreatePostgresEventStoreOptions,
  DeleteStreamOptions,
  GroupCommitOptions,
  InTransactionHook,
  PostgresEventStoreOptions,
} from './event-store';
export { EXTRA_MIGRATIONS, MigrationError, migrate, migrateExtras, schemaName } from './schema';
export type { MigrateOptions, MigrateResult, Migration, SchemaName } from './schema';
export {
  PostgresOutbox,
  createPostgresOutboxRelay,
  outboxHook,
  outboxMessagesHook,
  writeOutboxMessages,
} from './outbox';
export type { PostgresOutboxRelayOptions } from './outbox';
export { PostgresInbox } from './inbox';
export { PostgresSnapshotStore } from './snapshots';
export {
  PostgresCheckpointStore,
  StaleCheckpointError,
  compareAndSetCheckpoint,
  loadCheckpoint,
  resetCheckpoint,
} from './checkpoints';
export {
  LeaseHeldError,
  LeaseLostError,
  PostgresJsonStateStore,
  ReadModelMovedError,
  createAsyncProjectionRunner,
  createJsonDocumentProjection,
  inlineProjectionHook,
  jsonDocumentsMigration,
  projectionStep,
  readModelsMigration,
  rebuildAsyncProjection,
} from './projections';
export type {
  AsyncProjectionRunner,
  AsyncProjectionRunnerOptions,
  JsonDocumentProjection,
  JsonDocumentProjectionOptions,
  PostgresJsonStateStoreOptions,
  ProjectionStepOptions,
  RebuildOptions,
  RebuildResult,
} from './projections';
export { PostgresScheduler, scheduledMessagesMigration } from './scheduler';
export type { FireDueOptions, PostgresSchedulerOptions, ScheduledEntry } from './scheduler';
export { acquireLease, holdsLease, leaseHolder, releaseLease } from './leases';
export type { LeaseKey } from './leases';
export { ORDO_TYPES } from './runtime';
export type { Queryable } from './runtime';
