import type { StreamState } from './expected-version';

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

/** Decides after an append whether to take a snapshot. */
export type SnapshotPolicy = (info: {
  readonly streamId: string;
  readonly previousVersion: StreamState;
  readonly newVersion: bigint;
  /** Version of the snapshot the state was loaded from, if any. */
  readonly snapshotVersion: bigint | undefined;
}) => boolean;

/** Takes a snapshot whenever the stream crosses a multiple of `n` events. */
export const everyNEvents = (n: number): SnapshotPolicy => {
  // Checked when the policy is built, so a bad setting fails at startup, not at the first append.
  if (!Number.isInteger(n) || n <= 0) throw new RangeError(`everyNEvents needs a positive integer, got ${n}`);
  const every = BigInt(n);
  return ({ previousVersion, newVersion }) => {
    const before = previousVersion === 'no_stream' ? 0n : previousVersion + 1n;
    const after = newVersion + 1n;
    return after / every > before / every;
  };
};

/** Never snapshots. */
export const neverSnapshot: SnapshotPolicy = () => false;
