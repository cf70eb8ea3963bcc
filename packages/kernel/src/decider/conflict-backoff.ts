import { InvalidInputError } from '../model/errors';

/**
 * How the command handler waits between attempts after a version conflict. Conflicts within a
 * process cannot happen (its commands queue per stream); this spaces out writers in other
 * processes racing for the same stream, so they stop colliding in lockstep.
 */
export interface ConflictBackoff {
  /** Milliseconds to wait before retry `retry` (1 for the first) of the command `commandId`. */
  readonly delayMs: (retry: number, commandId: string) => number;
  /** Waits `ms` milliseconds. */
  readonly wait: (ms: number) => Promise<void>;
}

/** Waits with the runtime's `setTimeout` (every JavaScript runtime has one); resolves at once for 0 ms. */
const waitWithTimers = (ms: number): Promise<void> => {
  if (ms <= 0) return Promise.resolve();
  const timers = globalThis as { setTimeout?: (fn: () => void, ms: number) => unknown };
  if (typeof timers.setTimeout !== 'function') return Promise.resolve();
  return new Promise((resolve) => timers.setTimeout!(resolve, ms));
};

/** Options of {@link jitteredBackoff}. */
export interface JitteredBackoffOptions {
  /** Upper bound of the first retry's delay, in ms; doubles on every retry. Defaults to 1. */
  readonly baseMs?: number;
  /** Upper bound of any delay, in ms. Defaults to 200. */
  readonly maxMs?: number;
  /** Waits `ms` milliseconds; defaults to the runtime's `setTimeout`. */
  readonly wait?: (ms: number) => Promise<void>;
}

/**
 * Exponential backoff with full jitter: retry `n` waits a delay spread over
 * `[0, min(maxMs, baseMs * 2^(n-1)))`. The kernel has no randomness source, so the spread comes
 * from a hash of the command id and the retry number: commands racing from different processes
 * draw different delays, and one command's delays are reproducible.
 */
export const jitteredBackoff = (options: JitteredBackoffOptions = {}): ConflictBackoff => {
  const baseMs = options.baseMs ?? 1;
  const maxMs = options.maxMs ?? 200;
  for (const [field, value] of [
    ['baseMs', baseMs],
    ['maxMs', maxMs],
  ] as const) {
    if (typeof value !== 'number' || !Number.isFinite(value) || value < 0) {
      throw new InvalidInputError('invalid_options', `${field} must be a finite number >= 0`, [
        { path: field, expected: 'finite number >= 0', actual: value },
      ]);
    }
  }
  return {
    delayMs: (retry, commandId) => {
      const ceiling = Math.min(maxMs, baseMs * 2 ** Math.max(0, retry - 1));
      return Math.floor(ceiling * unitHash(`${commandId}\u0000${retry}`));
    },
    wait: options.wait ?? waitWithTimers,
  };
};

/** No waiting between attempts (the behaviour before backoff existed; tests with a contended fake store). */
export const noBackoff: ConflictBackoff = { delayMs: () => 0, wait: () => Promise.resolve() };

/** FNV-1a of `text`, mapped to [0, 1). */
const unitHash = (text: string): number => {
  let h = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) {
    h ^= text.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  return (h >>> 0) / 0x1_0000_0000;
};
