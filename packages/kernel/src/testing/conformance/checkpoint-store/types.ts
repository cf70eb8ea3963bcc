import type { CheckpointStore } from '../../../projections/checkpoint-store';
import type { ConformanceSuiteCase, UnsupportedCases } from '../shared/registrar';

/**
 * What the checkpoint store suite needs from an adapter. The store may be shared by every case
 * and run (one database): each case uses checkpoint names no other case or run uses.
 */
export interface CheckpointStoreConformanceFactory extends UnsupportedCases {
  readonly create: () => Promise<CheckpointStore>;
  /**
   * A new instance over the same storage as `store`, as after a process restart (PostgreSQL: a
   * new store on the same pool and schema). A store whose storage is the instance itself (memory)
   * answers `store`. Without it the restart case fails, unless it is named in `unsupported`.
   */
  readonly reopen?: (store: CheckpointStore) => Promise<CheckpointStore>;
  /** Releases what `create` made. */
  readonly dispose?: (store: CheckpointStore) => Promise<void>;
}

/** One case of the checkpoint store suite. */
export type CheckpointStoreConformanceCase = ConformanceSuiteCase<CheckpointStoreConformanceFactory>;
