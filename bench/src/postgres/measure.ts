import { performance } from 'node:perf_hooks';

/** What one measured run produced. */
export interface Measurement {
  /** Operations completed (appends, reads). */
  readonly ops: number;
  /** Events written or read. */
  readonly events: number;
  /** Operations that failed (e.g. version conflicts); they count in neither ops nor events. */
  readonly failures: number;
  readonly seconds: number;
  readonly eventsPerSecond: number;
  /** Latency of one operation, milliseconds. */
  readonly p50Ms: number;
  readonly p99Ms: number;
}

/** Latencies and counters shared by the workers of one run. */
export class Recorder {
  private readonly latencies: number[] = [];
  private ops = 0;
  private events = 0;
  private failures = 0;

  /** Events counted so far (successful operations only). */
  get eventCount(): number {
    return this.events;
  }

  /** Times `op`; counts `events` on success, a failure when `op` rejects and `isFailure` accepts the error. */
  async time(events: number, op: () => Promise<unknown>, isFailure: (error: unknown) => boolean = () => false) {
    const t0 = performance.now();
    try {
      await op();
    } catch (error) {
      if (!isFailure(error)) throw error;
      this.failures += 1;
      return;
    }
    this.latencies.push(performance.now() - t0);
    this.ops += 1;
    this.events += events;
  }

  /** Times `op`, which answers how many events it handled. */
  async timeCounted(op: () => Promise<number>): Promise<number> {
    const t0 = performance.now();
    const events = await op();
    this.latencies.push(performance.now() - t0);
    this.ops += 1;
    this.events += events;
    return events;
  }

  result(seconds: number): Measurement {
    const sorted = [...this.latencies].sort((a, b) => a - b);
    const pick = (q: number) =>
      sorted.length === 0 ? 0 : sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))]!;
    return {
      ops: this.ops,
      events: this.events,
      failures: this.failures,
      seconds,
      eventsPerSecond: this.events / seconds,
      p50Ms: pick(0.5),
      p99Ms: pick(0.99),
    };
  }
}

/**
 * Runs `workers` concurrent loops of `step(recorder, worker, iteration)` for `seconds` and
 * answers the elapsed seconds; the recorder accumulates across calls, so one peer's rounds can
 * be interleaved with the other peers' (shared noise on a busy machine).
 */
export const runFor = async (
  recorder: Recorder,
  seconds: number,
  workers: number,
  step: (recorder: Recorder, worker: number, iteration: number) => Promise<void>,
): Promise<number> => {
  const deadline = performance.now() + seconds * 1000;
  const t0 = performance.now();
  await Promise.all(
    Array.from({ length: workers }, async (_, w) => {
      for (let i = 0; performance.now() < deadline; i++) await step(recorder, w, i);
    }),
  );
  return (performance.now() - t0) / 1000;
};

/** Runs `step` `count` times one after the other; answers the elapsed seconds. */
export const runTimes = async (
  recorder: Recorder,
  count: number,
  step: (recorder: Recorder, i: number) => Promise<void>,
): Promise<number> => {
  const t0 = performance.now();
  for (let i = 0; i < count; i++) await step(recorder, i);
  return (performance.now() - t0) / 1000;
};
