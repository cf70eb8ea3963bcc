// Projections on PostgreSQL: inline (in the append transaction: SQL handlers, or pure kernel
// projections kept as a JSON document) and async (runner, step, rebuild). Public surface of this
// folder.
export { inlineProjectionHook } from './inline-projection';
export { createJsonDocumentProjection, jsonDocumentsMigration } from './json-document-projection';
export type { JsonDocumentProjection, JsonDocumentProjectionOptions } from './json-document-projection';
export { createAsyncProjectionRunner } from './async-projection-runner';
export type { AsyncProjectionRunner, AsyncProjectionRunnerOptions } from './async-projection-runner';
export { LeaseLostError, projectionStep } from './projection-step';
export type { ProjectionStepOptions } from './projection-step';
export { LeaseHeldError, rebuildAsyncProjection } from './rebuild';
export type { RebuildOptions, RebuildResult } from './rebuild';
