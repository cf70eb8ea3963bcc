import type { StreamState } from '../event-store/expected-version';

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
