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
 * Creates an in-memory checkpoint store. A save replaces the stored position, also with a lower
 * one (a projection rebuild starts over); positions must be bigints >= 0n.
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
        throw new InvalidInputError('invalid_checkpoint', 'a checkpoint position must be a bigint >= 0n', [
          { path: 'position', expected: 'bigint >= 0n', actual: position },
        ]);
      }
      positions.set(name, position);
    },
    delete: async (name) => {
      positions.delete(name);
    },
    entries: () => new Map(positions),
  };
};
