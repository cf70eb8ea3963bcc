/**
 * The snapshot store conformance suite: what every `SnapshotStore` adapter promises the command
 * handler, as cases any test framework runs (registrar and `unsupported` as in
 * `eventStoreConformance`).
 *
 * ```ts
 * snapshotStoreConformance(test, { create: async () => createInMemorySnapshotStore() });
 * ```
 *
 * Error codes, the same on every adapter: a bad `version` or `deciderVersion` of a saved snapshot
 * is `invalid_snapshot`, state JSON cannot carry `not_serialisable`, a bad stream id the kernel's
 * `empty_stream_id` / `invalid_stream_id`, and a bad `deciderVersion` given to `load`
 * `invalid_decider_version`; each error's issue names the field.
 */
import { registerConformanceCases, type TestRegistrar } from '../shared/registrar';
import { snapshotStoreConformanceCases } from './cases';
import type { SnapshotStoreConformanceFactory } from './types';

export { snapshotStoreConformanceCases } from './cases';
export type { SnapshotStoreConformanceCase, SnapshotStoreConformanceFactory } from './types';

/** Registers the snapshot store suite with a test framework. */
export const snapshotStoreConformance = (test: TestRegistrar, factory: SnapshotStoreConformanceFactory): void =>
  registerConformanceCases('snapshot store', test, snapshotStoreConformanceCases, factory);
