import { type CheckpointStore, InvalidInputError } from '@ordo/kernel';

/** An in-memory {@link CheckpointStore}, with helpers for tests. */
export interface InMemoryCheckpointStore extends CheckpointStore {
  /** Every stored checkpoint, by name. */
  entries(): ReadonlyMap<string, bigint>;
  /** Forgets a checkpoint (the consumer then starts from the beginning). */
  delete(name: string): Promise<void>;
}

const assertName = (name: unknown): void => {
  if (typeof name !== 'string' || name.trim().length === 0) {
    throw new InvalidInputError('invalid_checkpoint_name', 'a checkpoint name must be a non-empty string', [
      { path: 'name', expected: 'non-empty string', actual: name },
    ]);
  }
};

/**
 * Creates an in-memory checkpoint store. A checkpoint never moves backwards: a save lower than the
 * stored position is ignored (a rebuild starts over through {@link InMemoryCheckpointStore.delete}).
 * Positions must be bigints >= 0n (`invalid_position`), names non-blank strings
 * (`invalid_checkpoint_name`).
 */
export const createInMemoryCheckpointStore = (): InMemoryCheckpointStore => {
  const positions = new Map<string, bigint>();
  return {
    load: async (name) => {
      assertName(name);
      return positions.get(name);
    },
    save: async (name, position) => {
      assertName(name);
      if (typeof position !== 'bigint' || position < 0n) {
        throw new InvalidInputError('invalid_position', 'a checkpoint position must be a bigint >= 0n', [
          { path: 'position', expected: 'bigint >= 0n', actual: position },
        ]);
      }
      const stored = positions.get(name);
      if (stored === undefined || position > stored) positions.set(name, position);
    },
    delete: async (name) => {
      positions.delete(name);
    },
    entries: () => new Map(positions),
  };
};
