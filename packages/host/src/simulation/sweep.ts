/**
 * A sweep of the simulation over consecutive seeds, and how its results read: shared by the
 * simulation's own command line (`npm run sim`) and `ordo sim`, which differ only in how they
 * parse their flags and show progress.
 */
import { cpus, loadavg } from 'node:os';
import { failureLine, runSimulation, type SimulationOptions, type SimulationReport } from './run-simulation';
import type { PlantedBug } from './planted-bugs';

/** What a sweep runs: seeds `from .. from + seeds - 1`, each with the same options. */
export interface SweepOptions {
  readonly from: number;
  readonly seeds: number;
  readonly orders?: number;
  readonly crashes?: number;
  readonly plantedBug?: PlantedBug;
  /** With a planted bug, go on past the first failing seed. */
  readonly keepGoing?: boolean;
}

/** What a sweep found. */
export interface SweepSummary {
  readonly from: number;
  /** Seeds run (fewer than asked when a planted bug stopped the sweep). */
  readonly run: number;
  readonly orders: number;
  readonly completed: number;
  readonly cancelled: number;
  readonly failed: number;
  /** The first failing seed and the seconds it took to get there. */
  readonly firstFailure: { readonly seed: number; readonly seconds: number } | undefined;
  readonly seconds: number;
}

/** The options of one seed of a sweep. */
export const seedOptions = (sweep: Omit<SweepOptions, 'from' | 'seeds'>, seed: number): SimulationOptions => ({
  seed,
  ...(sweep.orders === undefined ? {} : { orders: sweep.orders }),
  ...(sweep.crashes === undefined ? {} : { crashes: sweep.crashes }),
  ...(sweep.plantedBug === undefined ? {} : { plantedBug: sweep.plantedBug }),
});

/**
 * Runs the seeds one after the other and calls `onSeed` after each (with the report, the seed's
 * options and how many seeds have run). With a planted bug it stops at the first failing seed
 * unless `keepGoing`.
 */
export const runSweep = async (
  sweep: SweepOptions,
  onSeed: (report: SimulationReport, options: SimulationOptions, done: number) => void = () => undefined,
): Promise<SweepSummary> => {
  const started = performance.now();
  let orders = 0;
  let completed = 0;
  let cancelled = 0;
  let failed = 0;
  let run = 0;
  let firstFailure: SweepSummary['firstFailure'];
  for (let seed = sweep.from; seed < sweep.from + sweep.seeds; seed++) {
    const options = seedOptions(sweep, seed);
    const report = await runSimulation(options);
    run += 1;
    orders += report.orders;
    completed += report.completed;
    cancelled += report.cancelled;
    if (!report.ok) {
      failed += 1;
      firstFailure ??= { seed, seconds: (performance.now() - started) / 1000 };
    }
    onSeed(report, options, run);
    if (!report.ok && sweep.plantedBug !== undefined && sweep.keepGoing !== true) break;
  }
  const seconds = (performance.now() - started) / 1000;
  return { from: sweep.from, run, orders, completed, cancelled, failed, firstFailure, seconds };
};

/** The failing seed's line with a replay command of the caller's own (`replay` prints the command). */
export const seedFailureLine = (
  report: SimulationReport,
  options: SimulationOptions,
  replay?: (options: SimulationOptions) => string,
): string =>
  replay === undefined
    ? failureLine(report, options)
    : `SEED ${report.seed} failed: ${report.failure ?? 'unknown'}; replay: ${replay(options)}`;

/** The sweep's closing line: seeds, failures, orders and throughput. */
export const sweepSummaryLine = (s: SweepSummary): string =>
  `${s.run} seeds (${s.from}..${s.from + s.run - 1}), ${s.failed} failed; ${s.orders} orders (${s.completed} completed, ${s.cancelled} cancelled) in ${s.seconds.toFixed(1)} s: ${(s.orders / s.seconds).toFixed(0)} orders/s`;

/** Whether the planted bug was found, and where. */
export const plantedBugLine = (plantedBug: PlantedBug, s: SweepSummary): string =>
  s.firstFailure === undefined
    ? `planted bug ${plantedBug} NOT found in ${s.run} seeds`
    : `planted bug ${plantedBug} found at seed ${s.firstFailure.seed} after ${s.firstFailure.seed - s.from + 1} seed(s), ${s.firstFailure.seconds.toFixed(2)} s`;

/** The sweep's exit code: 1 when a seed failed; with a planted bug, 0 when it was found. */
export const sweepExitCode = (sweep: SweepOptions, s: SweepSummary): number =>
  sweep.plantedBug !== undefined ? (s.firstFailure === undefined ? 1 : 0) : s.failed === 0 ? 0 : 1;

/** The JSON summary a sweep writes with `--json` (what the README's measured table is backed by). */
export const sweepJson = (sweep: SweepOptions, s: SweepSummary): Record<string, unknown> => ({
  benchmark: 'simulation',
  date: new Date().toISOString(),
  node: process.version,
  machine: { cpus: cpus().length, model: cpus()[0]?.model ?? 'unknown', loadAverage: loadavg() },
  seeds: { from: s.from, run: s.run },
  ordersPerSeed: sweep.orders ?? 'default',
  crashesPerSeed: sweep.crashes ?? 'default',
  orders: s.orders,
  completed: s.completed,
  cancelled: s.cancelled,
  failedSeeds: s.failed,
  seconds: Number(s.seconds.toFixed(2)),
  ordersPerSecond: Math.round(s.orders / s.seconds),
});

/** One seed's full report, as `--seed N` prints it. */
export const describeReport = (r: SimulationReport): string =>
  [
    `seed ${r.seed}: ${r.ok ? 'ok' : 'FAILED'}`,
    `  orders ${r.orders}: ${r.completed} completed, ${r.cancelled} cancelled`,
    ...Object.entries(r.cancelReasons).map(([reason, n]) => `    ${n} x ${reason}`),
    `  ${r.steps} steps, ${r.events} events, ${r.deliveries} deliveries (${r.redeliveries} redelivered), ${r.timeoutsFired} timeouts fired, ${r.lateAnswers} late answers undone`,
    `  crashes: ${
      Object.entries(r.crashes)
        .map(([w, n]) => `${w} ${n}`)
        .join(', ') || 'none'
    }`,
    `  gateway: ${Object.entries(r.gateway)
      .map(([k, n]) => `${k} ${n}`)
      .join(', ')}`,
    `  rejections: ${
      Object.entries(r.rejections)
        .map(([k, n]) => `${k} ${n}`)
        .join(', ') || 'none'
    }`,
    `  ${r.simulatedSeconds} s simulated in ${r.elapsedMs.toFixed(0)} ms`,
    ...r.invariants.map(
      (i) =>
        `  ${i.violations.length === 0 ? 'ok  ' : 'FAIL'} ${i.invariant}${i.violations.map((v) => `\n         ${v}`).join('')}`,
    ),
  ].join('\n');
