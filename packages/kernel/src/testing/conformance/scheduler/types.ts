import type { Scheduler } from '../../../runtime/scheduler';
import type { ConformanceSuiteCase, UnsupportedCases } from '../shared/registrar';

/** What the scheduler suite needs from an adapter. */
export interface SchedulerConformanceFactory extends UnsupportedCases {
  /**
   * A fresh, empty scheduler. `takeDue` removes every due message, so cases cannot share one: a
   * persistent adapter gives each case its own table, schema or namespace.
   */
  readonly create: () => Promise<Scheduler<unknown>>;
  /** Releases what `create` made. */
  readonly dispose?: (scheduler: Scheduler<unknown>) => Promise<void>;
}

/** One case of the scheduler suite. */
export type SchedulerConformanceCase = ConformanceSuiteCase<SchedulerConformanceFactory>;
