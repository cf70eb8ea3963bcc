/**
 * The adapter's parts beyond the event store: outbox and relay, inbox, snapshots, checkpoints,
 * leases, inline and async projections, and the migrations of their tables.
 */
export { EXTRA_MIGRATIONS, migrateExtras } from './migrations-extra';
export { type LeaseKey, type Queryable, acquireLease, holdsLease, leaseHolder, releaseLease } from './leases/lease';
export {
  PostgresCheckpointStore,
  StaleCheckpointError,
  compareAndSetCheckpoint,
  loadCheckpoint,
  resetCheckpoint,
} from './checkpoints/postgres-checkpoint-store';
export { PostgresSnapshotStore } from './snapshots/postgres-snapshot-store';
export { PostgresInbox } from './inbox/postgres-inbox';
export { PostgresOutbox, outboxHook, writeOutboxMessages } from './outbox/postgres-outbox';
export { type OutboxRelay, type OutboxRelayOptions, createOutboxRelay } from './outbox/outbox-relay';
export { inlineProjectionHook } from './projections/inline-projection';
export {
  LeaseLostError,
  type ProjectionStepOptions,
  projectionLeaseName,
  projectionStep,
} from './projections/projection-step';
export {
  type AsyncProjectionRunner,
  type AsyncProjectionRunnerOptions,
  createAsyncProjectionRunner,
} from './projections/async-projection-runner';
export { LeaseHeldError, type RebuildOptions, type RebuildResult, rebuildAsyncProjection } from './projections/rebuild';
export type { Worker } from './support/worker-loop';
