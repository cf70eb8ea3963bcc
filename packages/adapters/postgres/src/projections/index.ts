// Projections on PostgreSQL: inline (in the append transaction: SQL handlers, or pure kernel
// projections kept as a JSON document), async (runner, step, rebuild) and the JSON state store of
// read models with their position. Public surface of this folder.
export { inlineProjectionHook } from './inline-projection';
export { createJsonDocumentProjection, jsonDocumentsMigration } from './json-document-projection';
export type { JsonDocumentProjection, JsonDocumentProjectionOptions } from './json-document-projection';
export { PostgresJsonStateStore, ReadModelMovedError, readModelsMigration } from './json-state-store';
export type { PostgresJsonStateStoreOptions } from './json-state-store';
export { createAsyncProjectionRunner } from './async-projection-runner';
export type { AsyncProjectionRunner, AsyncProjectionRunnerOptions } from './async-projection-runner';
export { LeaseLostError, projectionStep } from './projection-step';
export type { ProjectionStepOptions } from './projection-step';
export { LeaseHeldError, rebuildAsyncProjection } from './rebuild';
export type { RebuildOptions, RebuildResult } from './rebuild';
