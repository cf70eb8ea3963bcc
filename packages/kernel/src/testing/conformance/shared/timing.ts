/**
 * Waiting without hanging: every wait of a suite ends in a {@link ConformanceFailure} after a
 * timeout. Uses the host's `setTimeout` (every JS runtime has it; the kernel's core never does).
 */
import { ConformanceFailure } from './assert';

/** How long a case waits for something asynchronous (a delivery, a held append) by default. */
export const DEFAULT_TIMEOUT_MS = 10_000;

interface Timers {
  setTimeout?: (fn: () => void, ms: number) => unknown;
  clearTimeout?: (handle: unknown) => void;
}

const timers = (): Timers => globalThis as unknown as Timers;

/**
 * Rejects with a {@link ConformanceFailure} when `promise` has not settled within `ms`. Without a
 * host `setTimeout` it just waits.
 */
export const within = <T>(promise: Promise<T>, ms: number, what: string): Promise<T> => {
  const t = timers();
  if (typeof t.setTimeout !== 'function') return promise;
  return new Promise<T>((resolve, reject) => {
    const handle = t.setTimeout!(() => reject(new ConformanceFailure(`timed out after ${ms} ms: ${what}`)), ms);
    promise.then(
      (value) => {
        t.clearTimeout?.(handle);
        resolve(value);
      },
      (error: unknown) => {
        t.clearTimeout?.(handle);
        reject(error);
      },
    );
  });
};

/** Resolves after `ms` (at once without a host `setTimeout`). */
export const sleep = (ms: number): Promise<void> =>
  new Promise((resolve) => {
    const t = timers();
    if (typeof t.setTimeout === 'function') t.setTimeout(resolve, ms);
    else resolve();
  });

/**
 * Polls `condition` every `everyMs` until it holds; fails naming `what` after `ms`. For adapters
 * that deliver on their own schedule (a broker), where a case cannot await a promise.
 */
export const eventually = async (
  condition: () => boolean | Promise<boolean>,
  ms: number,
  what: string,
  everyMs = 10,
): Promise<void> => {
  const t = timers();
  let expired = false;
  const handle = typeof t.setTimeout === 'function' ? t.setTimeout(() => (expired = true), ms) : undefined;
  try {
    for (;;) {
      if (await condition()) return;
      if (expired) throw new ConformanceFailure(`timed out after ${ms} ms: ${what}`);
      await sleep(everyMs);
    }
  } finally {
    if (handle !== undefined) t.clearTimeout?.(handle);
  }
};

/** A promise with its resolver outside. */
export interface Deferred<T = void> {
  readonly promise: Promise<T>;
  readonly resolve: (value: T) => void;
  readonly settled: () => boolean;
}

/** Creates a {@link Deferred}. */
export const deferred = <T = void>(): Deferred<T> => {
  let resolve: (value: T) => void = () => undefined;
  let done = false;
  const promise = new Promise<T>((r) => {
    resolve = (value) => {
      done = true;
      r(value);
    };
  });
  return { promise, resolve: (value) => resolve(value), settled: () => done };
};
