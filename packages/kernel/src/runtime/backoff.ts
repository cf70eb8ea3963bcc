import { unitHash } from './unit-hash';

/**
 * The retry backoff of the kernel's loops (and of the adapters' retries): exponential, capped,
 * with optional jitter. The kernel has no randomness source: callers pass one, or the jitter is
 * drawn from a hash (reproducible; see {@link seededRandom}).
 */
export interface BackoffPolicy {
  /** Delay after the first failure, in ms. Default 100. */
  readonly initialMs?: number;
  /** Growth per failure. Default 2. */
  readonly factor?: number;
  /** Upper bound of one delay, in ms. Default 5 000. */
  readonly maxMs?: number;
  /**
   * Share of each delay that is random, 0..1 (0.2: the delay lies in [0.8d, d]). Default 0:
   * deterministic. Jitter spreads the retries of many workers after a shared outage.
   */
  readonly jitter?: number;
}

/**
 * The delay before the next try after `failures` consecutive failures (1 = after the first):
 * `initialMs * factor^(failures - 1)`, capped at `maxMs`, then shortened by up to `jitter` of
 * itself, by `random()` (a number in [0, 1)). Without `random`, the draw is a hash of the
 * failure count: reproducible, but the same for every caller, so workers that should spread
 * apart pass their own (the worker loop draws from a sequence seeded by its name).
 */
export const backoffDelay = (failures: number, policy: BackoffPolicy = {}, random?: () => number): number => {
  const initialMs = policy.initialMs ?? 100;
  const factor = policy.factor ?? 2;
  const maxMs = policy.maxMs ?? 5_000;
  const jitter = Math.min(1, Math.max(0, policy.jitter ?? 0));
  const n = Math.max(1, Math.floor(Number.isFinite(failures) ? failures : 1));
  // Exponent capped so that huge failure counts do not overflow to Infinity before the cap applies.
  const raw = initialMs * Math.pow(factor, Math.min(n - 1, 64));
  const capped = Math.max(0, Math.min(maxMs, Number.isFinite(raw) ? raw : maxMs));
  if (jitter === 0) return capped;
  const draw = random === undefined ? unitHash(`backoff\u0000${n}`) : random();
  return capped * (1 - jitter * Math.min(1, Math.max(0, draw)));
};

/**
 * A reproducible sequence of numbers in [0, 1) seeded by `seed`: the n-th call answers a hash of
 * the seed and n. Workers named apart draw apart; the same worker draws the same jitter again
 * after a restart. Not a source of secrets.
 */
export const seededRandom = (seed: string): (() => number) => {
  let n = 0;
  return () => unitHash(`${seed}\u0000${n++}`);
};
