export { everyNEvents, neverSnapshot } from './snapshot-policy';
export type { SnapshotPolicy } from './snapshot-policy';
export type { Snapshot, SnapshotStore } from './snapshot-store';
