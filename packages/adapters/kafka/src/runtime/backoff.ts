/** An exponential backoff: `initialMs * factor^(n-1)`, capped at `maxMs`, with optional jitter. */
export interface BackoffPolicy {
  /** Delay after the first failure. Default 100 ms. */
  readonly initialMs?: number;
  /** Growth per failure. Default 2. */
  readonly factor?: number;
  /** Upper bound of one delay. Default 5 000 ms. */
  readonly maxMs?: number;
  /**
   * Share of each delay that is random, 0..1 (0.2: the delay lies in [0.8d, d]). Default 0:
   * deterministic. Jitter spreads the retries of many consumers after a shared outage.
   */
  readonly jitter?: number;
}

/** The delay before the next try after `failures` failures (1 = after the first failure). */
export const backoffDelay = (failures: number, policy: BackoffPolicy = {}, random: () => number = Math.random) => {
  const initialMs = policy.initialMs ?? 100;
  const factor = policy.factor ?? 2;
  const maxMs = policy.maxMs ?? 5_000;
  const jitter = Math.min(1, Math.max(0, policy.jitter ?? 0));
  const n = Math.max(1, Math.floor(failures));
  // Exponent capped so huge failure counts do not overflow to Infinity before the cap applies.
  const raw = initialMs * Math.pow(factor, Math.min(n - 1, 64));
  const capped = Math.max(0, Math.min(maxMs, Number.isFinite(raw) ? raw : maxMs));
  return jitter === 0 ? capped : capped * (1 - jitter * random());
};

/** The delays between `attempts` tries: `attempts - 1` entries (no delay after the last try). */
export const backoffSchedule = (attempts: number, policy: BackoffPolicy = {}): number[] =>
  Array.from({ length: Math.max(0, Math.floor(attempts) - 1) }, (_, i) =>
    backoffDelay(i + 1, { ...policy, jitter: 0 }),
  );

/** Resolves after `ms`, or early (with `false`) once `signal` aborts. Resolves `true` when the full time passed. */
export const sleep = (ms: number, signal?: AbortSignal): Promise<boolean> =>
  new Promise((resolve) => {
    if (signal?.aborted === true) {
      resolve(false);
      return;
    }
    const onAbort = () => {
      clearTimeout(timer);
      resolve(false);
    };
    const timer = setTimeout(() => {
      signal?.removeEventListener('abort', onAbort);
      resolve(true);
    }, ms);
    signal?.addEventListener('abort', onAbort, { once: true });
  });
