/**
 * The checkpoint port: the global position up to which a named consumer has processed events.
 *
 * A checkpoint never moves backwards: `save` with a position lower than the stored one is
 * ignored (equal changes nothing), so a lagging or restarted worker cannot undo progress; to
 * start over (a rebuild), use the adapter's explicit reset or delete. Bad input is refused with
 * `InvalidInputError`: `invalid_position` for a position that is not a bigint >= `0n`,
 * `invalid_checkpoint_name` for a name that is not a non-blank string. Every adapter passes
 * `checkpointStoreConformance` from `@ordo/kernel/testing`.
 */
export interface CheckpointStore {
  /** The highest position saved under `name`; `undefined` before the first save. */
  load(name: string): Promise<bigint | undefined>;
  /** Moves the checkpoint of `name` to `position`, unless it is already there or further. */
  save(name: string, position: bigint): Promise<void>;
}
