/**
 * The one way the kernel's loops wait: `wait(ms, signal)` resolves once `ms` milliseconds have
 * passed, or as soon as `signal` aborts (at once when it is aborted already). It never rejects and
 * answers nothing: a caller that needs to know why it woke looks at `signal.aborted`.
 */
export type Wait = (ms: number, signal?: AbortSignal) => Promise<void>;

interface Timers {
  readonly setTimeout?: (fn: () => void, ms: number) => unknown;
  readonly clearTimeout?: (handle: unknown) => void;
}

/** The longest timer `setTimeout` keeps (2^31 - 1 ms, about 24.8 days); longer waits are cut to it. */
const MAX_TIMER_MS = 2_147_483_647;

/**
 * The default {@link Wait}, on the runtime's `setTimeout` (every JavaScript runtime has one; the
 * kernel imports no I/O module, so it is found on `globalThis`). 0 ms or less resolves at once.
 */
export const wait: Wait = (ms, signal) => {
  if (signal?.aborted === true || !(ms > 0)) return Promise.resolve();
  const timers = globalThis as Timers;
  if (typeof timers.setTimeout !== 'function') return Promise.resolve();
  return new Promise<void>((resolve) => {
    const done = (): void => {
      timers.clearTimeout?.(handle);
      signal?.removeEventListener('abort', done);
      resolve();
    };
    const handle = timers.setTimeout!(done, Math.min(ms, MAX_TIMER_MS));
    signal?.addEventListener('abort', done, { once: true });
  });
};
