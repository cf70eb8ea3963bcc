/**
 * The simulation's command line: `npm run sim -- [options]`.
 *
 *   --seed N           run one seed and print its full report
 *   --seeds N          run N seeds (default 200), starting at --from (default 1)
 *   --from N           first seed of a sweep
 *   --orders N         orders per seed (default 25)
 *   --crashes N        worker crashes allowed per seed (default 8)
 *   --planted-bug NAME plant a bug in the saga (forget-release-last-line); stops at the first failing seed
 *   --keep-going       with --planted-bug, do not stop at the first failing seed
 *   --json FILE        with a sweep, also write its summary as JSON to FILE (e.g. bench/results/simulation.json)
 *
 * Prints one line per failing seed (`SEED n failed: ...; replay: ...`), then a summary with the
 * throughput in orders per second. Exits with 1 when a seed failed (0 with a planted bug found).
 */
import { writeFileSync } from 'node:fs';
import { cpus, loadavg } from 'node:os';
import { isPlantedBug, plantedBugs } from './planted-bugs';
import { failureLine, runSimulation, type SimulationOptions, type SimulationReport } from './run-simulation';

interface CliOptions {
  seed?: number;
  seeds: number;
  from: number;
  orders?: number;
  crashes?: number;
  plantedBug?: SimulationOptions['plantedBug'];
  keepGoing: boolean;
  json?: string;
}

const usage = `usage: sim [--seed N | --seeds N [--from N]] [--orders N] [--crashes N] [--planted-bug ${plantedBugs.join('|')}] [--keep-going] [--json FILE]`;

const fail = (message: string): never => {
  console.error(`${message}\n${usage}`);
  process.exit(2);
};

const integer = (flag: string, value: string | undefined, min: number): number => {
  const n = Number(value);
  if (value === undefined || !Number.isSafeInteger(n) || n < min)
    fail(`${flag} needs an integer >= ${min}, got ${value ?? 'nothing'}`);
  return n;
};

/** Parses the command line; bad input prints what was wrong and the usage, and exits with 2. */
export const parseArgs = (argv: ReadonlyArray<string>): CliOptions => {
  const options: CliOptions = { seeds: 200, from: 1, keepGoing: false };
  for (let i = 0; i < argv.length; i++) {
    const flag = argv[i]!;
    const value = argv[i + 1];
    switch (flag) {
      case '--seed':
        options.seed = integer(flag, value, 0);
        i++;
        break;
      case '--seeds':
        options.seeds = integer(flag, value, 1);
        i++;
        break;
      case '--from':
        options.from = integer(flag, value, 0);
        i++;
        break;
      case '--orders':
        options.orders = integer(flag, value, 1);
        i++;
        break;
      case '--crashes':
        options.crashes = integer(flag, value, 0);
        i++;
        break;
      case '--planted-bug':
        if (value === undefined || !isPlantedBug(value)) fail(`--planted-bug must be one of ${plantedBugs.join(', ')}`);
        options.plantedBug = value as SimulationOptions['plantedBug'];
        i++;
        break;
      case '--keep-going':
        options.keepGoing = true;
        break;
      case '--json':
        if (value === undefined || value.startsWith('--')) fail('--json needs a file name');
        options.json = value;
        i++;
        break;
      case '--help':
      case '-h':
        console.log(usage);
        process.exit(0);
        break;
      default:
        fail(`unknown option ${flag}`);
    }
  }
  return options;
};

const simulationOptions = (cli: CliOptions, seed: number): SimulationOptions => ({
  seed,
  ...(cli.orders === undefined ? {} : { orders: cli.orders }),
  ...(cli.crashes === undefined ? {} : { crashes: cli.crashes }),
  ...(cli.plantedBug === undefined ? {} : { plantedBug: cli.plantedBug }),
});

const describe = (r: SimulationReport): string =>
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

const main = async (): Promise<void> => {
  const cli = parseArgs(process.argv.slice(2));
  if (cli.seed !== undefined) {
    const options = simulationOptions(cli, cli.seed);
    const report = await runSimulation(options);
    console.log(describe(report));
    if (!report.ok) console.log(failureLine(report, options));
    process.exitCode = report.ok ? 0 : 1;
    return;
  }
  const started = performance.now();
  let orders = 0;
  let completed = 0;
  let cancelled = 0;
  let failed = 0;
  let run = 0;
  let firstFailure: { seed: number; seconds: number } | undefined;
  for (let seed = cli.from; seed < cli.from + cli.seeds; seed++) {
    const options = simulationOptions(cli, seed);
    const report = await runSimulation(options);
    run += 1;
    orders += report.orders;
    completed += report.completed;
    cancelled += report.cancelled;
    if (!report.ok) {
      failed += 1;
      firstFailure ??= { seed, seconds: (performance.now() - started) / 1000 };
      console.log(failureLine(report, options));
      if (cli.plantedBug !== undefined && !cli.keepGoing) break;
    }
  }
  const seconds = (performance.now() - started) / 1000;
  if (cli.json !== undefined) {
    const summary = {
      benchmark: 'simulation',
      date: new Date().toISOString(),
      node: process.version,
      machine: { cpus: cpus().length, model: cpus()[0]?.model ?? 'unknown', loadAverage: loadavg() },
      seeds: { from: cli.from, run },
      ordersPerSeed: cli.orders ?? 'default',
      crashesPerSeed: cli.crashes ?? 'default',
      orders,
      completed,
      cancelled,
      failedSeeds: failed,
      seconds: Number(seconds.toFixed(2)),
      ordersPerSecond: Math.round(orders / seconds),
    };
    writeFileSync(cli.json, `${JSON.stringify(summary, null, 2)}\n`);
  }
  console.log(
    `${run} seeds (${cli.from}..${cli.from + run - 1}), ${failed} failed; ${orders} orders (${completed} completed, ${cancelled} cancelled) in ${seconds.toFixed(1)} s: ${(orders / seconds).toFixed(0)} orders/s`,
  );
  if (cli.plantedBug !== undefined) {
    console.log(
      firstFailure === undefined
        ? `planted bug ${cli.plantedBug} NOT found in ${run} seeds`
        : `planted bug ${cli.plantedBug} found at seed ${firstFailure.seed} after ${firstFailure.seed - cli.from + 1} seed(s), ${firstFailure.seconds.toFixed(2)} s`,
    );
    process.exitCode = firstFailure === undefined ? 1 : 0;
    return;
  }
  process.exitCode = failed === 0 ? 0 : 1;
};

await main();
