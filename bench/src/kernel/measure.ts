/**
 * Timing for the kernel benchmark: one warm-up round, then measured rounds, medians reported.
 * Each run builds its own input (untimed) and times only the work, with `process.hrtime.bigint()`.
 * Garbage collection that happens during a timed run is part of its cost.
 */

/** What one run timed. */
export interface RunResult {
  /** Operations done (folds, appends, reads, commands). */
  readonly ops: number;
  /** Events appended, read or folded. */
  readonly events: number;
  /** Timed nanoseconds. */
  readonly ns: number;
  /** Per-operation latencies in nanoseconds, when the case records them. */
  readonly latencies?: Float64Array;
}

/** The measured figures of one peer in one case. */
export interface PeerResult {
  /** Median over the measured runs. */
  readonly opsPerSecond: number;
  /** Median over the measured runs. */
  readonly eventsPerSecond: number;
  /** Events per second of every measured run, in run order. */
  readonly runs: ReadonlyArray<number>;
  /** Per-operation latency percentiles over all measured runs, in microseconds. */
  readonly p50Micros?: number;
  readonly p99Micros?: number;
}

/** How many runs: warm-up ones are not recorded. */
export interface Repetitions {
  readonly warmup: number;
  readonly measured: number;
}

const gc = (globalThis as { gc?: () => void }).gc;

/** True when the process runs with `--expose-gc`, so runs start from a collected heap. */
export const gcExposed = gc !== undefined;

/**
 * Collects garbage when `--expose-gc` is on (a no-op otherwise), so one case's garbage is not
 * billed to the next. Called between cases only: a forced full collection between the runs of a
 * case made the following runs several times slower and noisier on Node 20, so within a case
 * the rotating order of the peers spreads the collection of earlier garbage over all of them.
 */
export const collectGarbage = (): void => gc?.();

/** Times `work` (synchronous or not) and answers the elapsed nanoseconds. */
export const timeNs = async (work: () => unknown): Promise<number> => {
  const t0 = process.hrtime.bigint();
  await work();
  return Number(process.hrtime.bigint() - t0);
};

const median = (values: ReadonlyArray<number>): number => {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 === 1 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
};

const percentile = (sorted: Float64Array, q: number): number =>
  sorted.length === 0 ? 0 : sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))]!;

/** The figures of one peer from its runs. */
const summarise = (results: ReadonlyArray<RunResult>): PeerResult => {
  const eventsPerSecond = results.map((r) => (r.events * 1e9) / r.ns);
  const opsPerSecond = results.map((r) => (r.ops * 1e9) / r.ns);
  const latencyRuns = results.flatMap((r) => (r.latencies === undefined ? [] : [r.latencies]));
  if (latencyRuns.length === 0) {
    return { opsPerSecond: median(opsPerSecond), eventsPerSecond: median(eventsPerSecond), runs: eventsPerSecond };
  }
  const all = new Float64Array(latencyRuns.reduce((n, l) => n + l.length, 0));
  let offset = 0;
  for (const l of latencyRuns) {
    all.set(l, offset);
    offset += l.length;
  }
  all.sort();
  return {
    opsPerSecond: median(opsPerSecond),
    eventsPerSecond: median(eventsPerSecond),
    runs: eventsPerSecond,
    p50Micros: percentile(all, 0.5) / 1000,
    p99Micros: percentile(all, 0.99) / 1000,
  };
};

/**
 * Runs every peer's `run` for the warm-up and the measured repetitions and answers each peer's
 * medians. The peers take turns within each repetition (in a rotating order), so a burst of load
 * from other processes hits all of them alike and their ratio stays meaningful.
 */
export const measurePeers = async <K extends string>(
  repetitions: Repetitions,
  runs: Readonly<Record<K, () => Promise<RunResult>>>,
): Promise<Record<K, PeerResult>> => {
  const peers = Object.keys(runs) as K[];
  const results = new Map<K, RunResult[]>(peers.map((p) => [p, []]));
  for (let rep = 0; rep < repetitions.warmup + repetitions.measured; rep++) {
    for (let k = 0; k < peers.length; k++) {
      const peer = peers[(rep + k) % peers.length]!;
      const result = await runs[peer]();
      if (rep >= repetitions.warmup) results.get(peer)!.push(result);
    }
  }
  return Object.fromEntries(peers.map((p) => [p, summarise(results.get(p)!)])) as Record<K, PeerResult>;
};
