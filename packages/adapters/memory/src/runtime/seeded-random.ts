import { InvalidInputError } from '@ordo/kernel';

/**
 * A small, fast, seeded pseudo-random generator (mulberry32) for simulation tests: the same seed
 * always gives the same sequence, on every platform.
 */
export interface SeededRandom {
  /** The seed this generator started from. */
  readonly seed: number;
  /** A float in [0, 1). */
  next(): number;
  /** An integer in [0, n). */
  int(n: number): number;
  /** True with probability `p` (0..1). */
  chance(p: number): boolean;
  /** One element of a non-empty list. */
  pick<T>(items: ReadonlyArray<T>): T;
  /** A shuffled copy of the list (Fisher-Yates); the input is left alone. */
  shuffle<T>(items: ReadonlyArray<T>): T[];
  /** An independent generator derived from this one's next draw (for a sub-system of a simulation). */
  fork(): SeededRandom;
}

const assertSeed = (seed: number): void => {
  if (!Number.isInteger(seed)) {
    throw new InvalidInputError('invalid_seed', `a seed must be an integer, got ${seed}`, [
      { path: 'seed', expected: 'integer', actual: seed },
    ]);
  }
};

/** Creates a {@link SeededRandom} from an integer seed (any integer; it is reduced to 32 bits). */
export const createSeededRandom = (seed: number): SeededRandom => {
  assertSeed(seed);
  let state = seed >>> 0;
  const next = (): number => {
    // mulberry32: a 32-bit state, full period, good enough statistics for test scheduling.
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  const int = (n: number): number => {
    if (!Number.isInteger(n) || n <= 0) throw new RangeError(`int(n) needs a positive integer, got ${n}`);
    return Math.floor(next() * n);
  };
  return {
    seed,
    next,
    int,
    chance: (p) => next() < p,
    pick: (items) => {
      if (items.length === 0) throw new RangeError('pick() needs a non-empty list');
      return items[int(items.length)]!;
    },
    shuffle: (items) => {
      const out = [...items];
      for (let i = out.length - 1; i > 0; i--) {
        const j = int(i + 1);
        const tmp = out[i]!;
        out[i] = out[j]!;
        out[j] = tmp;
      }
      return out;
    },
    fork: () => createSeededRandom(Math.floor(next() * 4294967296)),
  };
};
