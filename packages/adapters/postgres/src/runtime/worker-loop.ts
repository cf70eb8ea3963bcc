/** A background loop with start/stop, shared by the outbox relay and the projection runner. */
export interface Worker {
  /** Starts the loop; a second call while running does nothing. */
  start(): void;
  /** Asks the loop to stop and resolves once the current step has finished. */
  stop(): Promise<void>;
  /** True between start() and the end of stop(). */
  readonly running: boolean;
}

/**
 * Runs `step` over and over: again at once while it reports progress (`> 0`), after `idleMs`
 * when it reports none, after `errorBackoffMs` (doubling up to 30 s) when it throws, reporting
 * the error to `onError`. The pause is cut short by stop().
 */
export const workerLoop = (options: {
  readonly step: () => Promise<number>;
  readonly idleMs: number;
  readonly errorBackoffMs?: number;
  readonly onError?: (error: unknown) => void;
}): Worker => {
  let loop: Promise<void> | undefined;
  let stopping = false;
  let wake: (() => void) | undefined;
  const pause = (ms: number) =>
    new Promise<void>((resolve) => {
      const timer = setTimeout(done, ms);
      function done() {
        clearTimeout(timer);
        wake = undefined;
        resolve();
      }
      wake = done;
    });
  const run = async (): Promise<void> => {
    const baseBackoff = options.errorBackoffMs ?? 500;
    let backoff = baseBackoff;
    while (!stopping) {
      try {
        const progressed = await options.step();
        backoff = baseBackoff;
        if (progressed === 0 && !stopping) await pause(options.idleMs);
      } catch (error) {
        options.onError?.(error);
        if (!stopping) await pause(backoff);
        backoff = Math.min(backoff * 2, 30_000);
      }
    }
  };
  return {
    start() {
      if (loop !== undefined) return;
      stopping = false;
      loop = run();
    },
    async stop() {
      if (loop === undefined) return;
      stopping = true;
      wake?.();
      await loop;
      loop = undefined;
    },
    get running() {
      return loop !== undefined;
    },
  };
};
