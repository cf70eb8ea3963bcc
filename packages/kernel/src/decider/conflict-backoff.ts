import { invalidOptionError } from '../model/errors';
import { backoffDelay } from '../runtime/backoff';
import { unitHash } from '../runtime/unit-hash';
import { wait } from '../runtime/wait';

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

/** Options of {@link jitteredBackoff}. */
export interface JitteredBackoffOptions {
  /** Upper bound of the first retry's delay, in ms; doubles on every retry. Defaults to 1. */
  readonly baseMs?: number;
  /** Upper bound of any delay, in ms. Defaults to 200. */
  readonly maxMs?: number;
  /** Waits `ms` milliseconds; defaults to the kernel's `wait` (the runtime's `setTimeout`). */
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
      throw invalidOptionError(field, 'a finite number >= 0', value);
    }
  }
  return {
    // The runtime's backoff with all of each delay jittered: `ceiling * hash`, in [0, ceiling).
    delayMs: (retry, commandId) =>
      Math.floor(
        backoffDelay(retry, { initialMs: baseMs, maxMs, jitter: 1 }, () => 1 - unitHash(`${commandId}\u0000${retry}`)),
      ),
    wait: options.wait ?? ((ms) => wait(ms)),
  };
};

/** No waiting between attempts (the behaviour before backoff existed; tests with a contended fake store). */
export const noBackoff: ConflictBackoff = { delayMs: () => 0, wait: () => Promise.resolve() };
