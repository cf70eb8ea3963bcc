/**
 * A latency histogram for load runs: log-spaced buckets 1% wide (so any percentile is within
 * about 0.5% of the true value), exact count, minimum, maximum and mean, in constant memory
 * whatever the number of samples. Histograms of several rounds or workers merge.
 */

/** Relative width of a bucket: bucket i holds values in (GROWTH^(i-1), GROWTH^i] microseconds. */
const GROWTH = 1.01;
const LOG_GROWTH = Math.log(GROWTH);
/** Buckets up to GROWTH^2400 µs (about 25 000 s): anything longer lands in the last one. */
const BUCKETS = 2400;

/** One row of {@link Histogram.distribution}: the samples above the previous bound up to `upToMs`. */
export interface HistogramBucket {
  /** Upper bound in ms; `Infinity` for the last row. */
  readonly upToMs: number;
  readonly count: number;
}

/** Percentiles and extremes of a histogram, in ms. */
export interface HistogramSummary {
  readonly count: number;
  readonly minMs: number;
  readonly meanMs: number;
  readonly p50Ms: number;
  readonly p90Ms: number;
  readonly p99Ms: number;
  readonly maxMs: number;
}

/** Latencies recorded so far. */
export interface Histogram {
  /** Records one latency, in milliseconds (negative or non-finite values are ignored). */
  record(ms: number): void;
  /** Adds every sample of `other` to this one. */
  merge(other: Histogram): void;
  readonly count: number;
  /**
   * The latency under which a share `q` (0..1) of the samples lie, in ms; 0 when empty. Answers
   * the bucket's geometric middle, clamped to the exact minimum and maximum.
   */
  quantile(q: number): number;
  summary(): HistogramSummary;
  /** Samples per range, for the upper bounds given in ms (ascending); a last row holds the rest. */
  distribution(boundsMs: ReadonlyArray<number>): ReadonlyArray<HistogramBucket>;
  /** The raw bucket counts (for {@link Histogram.merge}). */
  readonly counts: Float64Array;
  readonly minMs: number;
  readonly maxMs: number;
  readonly sumMs: number;
}

const indexOf = (us: number): number => (us <= 1 ? 0 : Math.min(BUCKETS - 1, Math.ceil(Math.log(us) / LOG_GROWTH)));

/** Creates an empty {@link Histogram}. */
export const createHistogram = (): Histogram => {
  const counts = new Float64Array(BUCKETS);
  let count = 0;
  let min = Infinity;
  let max = 0;
  let sum = 0;
  const histogram: Histogram = {
    record: (ms) => {
      if (!Number.isFinite(ms) || ms < 0) return;
      counts[indexOf(ms * 1000)]! += 1;
      count += 1;
      sum += ms;
      if (ms < min) min = ms;
      if (ms > max) max = ms;
    },
    merge: (other) => {
      if (other.count === 0) return;
      for (let i = 0; i < BUCKETS; i++) counts[i]! += other.counts[i] ?? 0;
      count += other.count;
      sum += other.sumMs;
      min = Math.min(min, other.minMs);
      max = Math.max(max, other.maxMs);
    },
    get count() {
      return count;
    },
    get minMs() {
      return count === 0 ? 0 : min;
    },
    get maxMs() {
      return max;
    },
    get sumMs() {
      return sum;
    },
    counts,
    quantile: (q) => {
      if (count === 0) return 0;
      const rank = Math.max(1, Math.ceil(Math.min(Math.max(q, 0), 1) * count));
      let seen = 0;
      for (let i = 0; i < BUCKETS; i++) {
        seen += counts[i]!;
        if (seen >= rank) {
          const middleUs = i === 0 ? 1 : Math.pow(GROWTH, i - 0.5);
          return Math.min(max, Math.max(min, middleUs / 1000));
        }
      }
      return max;
    },
    summary: () => ({
      count,
      minMs: histogram.minMs,
      meanMs: count === 0 ? 0 : sum / count,
      p50Ms: histogram.quantile(0.5),
      p90Ms: histogram.quantile(0.9),
      p99Ms: histogram.quantile(0.99),
      maxMs: max,
    }),
    distribution: (boundsMs) => {
      const rows = boundsMs.map((upToMs) => ({ upToMs, count: 0 }));
      const rest = { upToMs: Infinity, count: 0 };
      for (let i = 0; i < BUCKETS; i++) {
        const n = counts[i]!;
        if (n === 0) continue;
        // The bucket's middle decides its row: a sample within 0.5% of a bound may land beside it.
        const middleMs = (i === 0 ? 1 : Math.pow(GROWTH, i - 0.5)) / 1000;
        const row = rows.find((r) => middleMs <= r.upToMs) ?? rest;
        row.count += n;
      }
      return [...rows, rest];
    },
  };
  return histogram;
};
