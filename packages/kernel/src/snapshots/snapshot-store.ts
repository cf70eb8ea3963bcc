/**
 * A stored snapshot. `deciderVersion` names the shape of `evolve` that produced `state`: bump it
 * whenever `evolve` or the state shape changes, and old snapshots are ignored instead of misread.
 */
export interface Snapshot<S = unknown> {
  readonly streamId: string;
  /** Version of the last event folded into `state`. */
  readonly version: bigint;
  readonly deciderVersion: string;
  readonly state: S;
}

/** The snapshot port. `state` is stored as JSON (encode it first if it is not plain data). */
export interface SnapshotStore {
  /** The latest snapshot of the stream taken by this decider version, if any. */
  load(streamId: string, deciderVersion: string): Promise<Snapshot | undefined>;
  /** Stores a snapshot; an older version than the one stored is ignored. */
  save(snapshot: Snapshot): Promise<void>;
}
