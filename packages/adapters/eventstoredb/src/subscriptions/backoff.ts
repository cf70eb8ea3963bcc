import { backoffDelay as kernelBackoffDelay } from '@ordo/kernel';

/** Retry pacing for readers that lost their connection: the kernel's backoff policy. */

/** How a reader retries after a transient error. */
export interface RetryPolicy {
  /** Pause before the first retry; defaults to 100 ms. */
  readonly initialDelayMs?: number;
  /** Longest pause; defaults to 5 s. */
  readonly maxDelayMs?: number;
  /** Retries before giving up (the subscription then ends with the error); defaults to unlimited. */
  readonly maxAttempts?: number;
}

/**
 * Pause before retry number `attempt` (1-based): the kernel's `backoffDelay`, doubling from the
 * initial delay, capped, without jitter.
 */
export const backoffDelay = (attempt: number, policy: RetryPolicy = {}): number =>
  kernelBackoffDelay(attempt, {
    initialMs: policy.initialDelayMs ?? 100,
    factor: 2,
    maxMs: policy.maxDelayMs ?? 5_000,
  });
