/**
 * Runs a step function many times, the way a load generator does: closed loop (`concurrency`
 * workers, each starting its next step when the last ended) or open loop (`ratePerSecond` steps
 * started on a fixed schedule, at most `concurrency` in flight), until `total` steps have run or
 * `durationMs` has passed.
 */
import { performance } from 'node:perf_hooks';
import { setTimeout as sleep } from 'node:timers/promises';

/** Options of {@link drive}. */
export interface DriveOptions {
  /** Workers (closed loop), or the most steps in flight (open loop). */
  readonly concurrency: number;
  /** Steps started per second (open loop); closed loop when left out. */
  readonly ratePerSecond?: number;
  /** Steps to run; without it, run until `durationMs`. */
  readonly total?: number;
  /** Stop starting steps this long after the start. */
  readonly durationMs?: number;
  /** One unit of work; `n` counts from 0, `worker` is the worker (closed) or `n % concurrency` (open). */
  step(n: number, worker: number): Promise<void>;
  /** Called after each step with the steps done so far. */
  onStep?(done: number): void;
}

/** What {@link drive} did. */
export interface DriveResult {
  /** Steps run to their end. */
  readonly steps: number;
  /** From the first start to the last end, ms. */
  readonly elapsedMs: number;
  /** Steps that threw (a step should catch its own errors), with the first error's message. */
  readonly errors: number;
  readonly firstError: string | undefined;
  /** Open loop: how far behind the schedule the latest start was at worst, ms (0 closed loop). */
  readonly maxLagMs: number;
}

/** Runs `options.step` as {@link DriveOptions} says; answers once every started step has ended. */
export const drive = async (options: DriveOptions): Promise<DriveResult> => {
  const { concurrency, ratePerSecond, total, durationMs } = options;
  if (total === undefined && durationMs === undefined) throw new Error('drive needs a total or a duration');
  const started = performance.now();
  const deadline = durationMs === undefined ? Infinity : started + durationMs;
  let steps = 0;
  let errors = 0;
  let firstError: string | undefined;
  let maxLagMs = 0;
  const run = async (n: number, worker: number) => {
    try {
      await options.step(n, worker);
    } catch (error) {
      errors += 1;
      firstError ??= error instanceof Error ? error.message : String(error);
    }
    steps += 1;
    options.onStep?.(steps);
  };
  const more = (n: number, at: number) => (total === undefined || n < total) && at < deadline;

  if (ratePerSecond === undefined) {
    let next = 0;
    const worker = async (w: number) => {
      while (more(next, performance.now())) {
        const n = next++;
        await run(n, w);
      }
    };
    await Promise.all(Array.from({ length: concurrency }, (_, w) => worker(w)));
  } else {
    const interval = 1000 / ratePerSecond;
    const inFlight = new Set<Promise<void>>();
    for (let n = 0; more(n, started + n * interval); n++) {
      const due = started + n * interval;
      const wait = due - performance.now();
      if (wait > 1) await sleep(wait);
      while (inFlight.size >= concurrency) await Promise.race(inFlight);
      maxLagMs = Math.max(maxLagMs, performance.now() - due);
      const p: Promise<void> = run(n, n % concurrency).then(() => void inFlight.delete(p));
      inFlight.add(p);
    }
    await Promise.all(inFlight);
  }
  return { steps, elapsedMs: performance.now() - started, errors, firstError, maxLagMs };
};
