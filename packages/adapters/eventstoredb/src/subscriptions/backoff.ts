/** Retry pacing for readers that lost their connection. */

/** How a reader retries after a transient error. */
export interface RetryPolicy {
  /** Pause before the first retry; defaults to 100 ms. */
  readonly initialDelayMs?: number;
  /** Longest pause; defaults to 5 s. */
  readonly maxDelayMs?: number;
  /** Retries before giving up (the subscription then ends with the error); defaults to unlimited. */
  readonly maxAttempts?: number;
}

/** Pause before retry number `attempt` (1-based): doubling from the initial delay, capped. */
export const backoffDelay = (attempt: number, policy: RetryPolicy = {}): number => {
  const initial = policy.initialDelayMs ?? 100;
  const max = policy.maxDelayMs ?? 5_000;
  const exponent = Math.min(Math.max(attempt - 1, 0), 30);
  return Math.min(max, initial * 2 ** exponent);
};

/** Resolves after `ms`, or at once when `signal` aborts (never rejects). */
export const sleep = (ms: number, signal?: AbortSignal): Promise<void> =>
  new Promise((resolve) => {
    if (signal?.aborted) return resolve();
    const done = (): void => {
      clearTimeout(timer);
      signal?.removeEventListener('abort', done);
      resolve();
    };
    const timer = setTimeout(done, ms);
    signal?.addEventListener('abort', done, { once: true });
  });
