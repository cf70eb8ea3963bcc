import type { SnapshotStore } from '../../../snapshots/snapshot-store';
import type { ConformanceSuiteCase, UnsupportedCases } from '../shared/registrar';

/**
 * What the snapshot store suite needs from an adapter. The store may be shared by every case and
 * run (one database): each case uses stream ids no other case or run uses.
 */
export interface SnapshotStoreConformanceFactory extends UnsupportedCases {
  readonly create: () => Promise<SnapshotStore>;
  /** Releases what `create` made. */
  readonly dispose?: (store: SnapshotStore) => Promise<void>;
}

/** One case of the snapshot store suite. */
export type SnapshotStoreConformanceCase = ConformanceSuiteCase<SnapshotStoreConformanceFactory>;
