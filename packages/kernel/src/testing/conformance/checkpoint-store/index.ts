/**
 * The checkpoint store conformance suite: what every `CheckpointStore` adapter promises
 * projection and saga runners, as cases any test framework runs (registrar and `unsupported` as
 * in `eventStoreConformance`).
 *
 * ```ts
 * checkpointStoreConformance(test, {
 *   create: async () => createInMemoryCheckpointStore(),
 *   reopen: async (store) => store,
 * });
 * ```
 */
import { registerConformanceCases, type TestRegistrar } from '../shared/registrar';
import { checkpointStoreConformanceCases } from './cases';
import type { CheckpointStoreConformanceFactory } from './types';

export { checkpointStoreConformanceCases } from './cases';
export type { CheckpointStoreConformanceCase, CheckpointStoreConformanceFactory } from './types';

/** Registers the checkpoint store suite with a test framework. */
export const checkpointStoreConformance = (test: TestRegistrar, factory: CheckpointStoreConformanceFactory): void =>
  registerConformanceCases('checkpoint store', test, checkpointStoreConformanceCases, factory);
