/**
 * The scheduler conformance suite: what every `Scheduler` adapter promises saga runners, as
 * cases any test framework runs (registrar and `unsupported` as in `eventStoreConformance`).
 *
 * ```ts
 * schedulerConformance(test, { create: async () => createInMemoryScheduler() });
 * ```
 */
import { registerConformanceCases, type TestRegistrar } from '../shared/registrar';
import { schedulerConformanceCases } from './cases';
import type { SchedulerConformanceFactory } from './types';

export { schedulerConformanceCases } from './cases';
export type { SchedulerConformanceCase, SchedulerConformanceFactory } from './types';

/** Registers the scheduler suite with a test framework. */
export const schedulerConformance = (test: TestRegistrar, factory: SchedulerConformanceFactory): void =>
  registerConformanceCases('scheduler', test, schedulerConformanceCases, factory);
