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
import { isPlantedBug, plantedBugs } from './planted-bugs';
import { failureLine, runSimulation, type SimulationOptions } from './run-simulation';
import {
  describeReport,
  plantedBugLine,
  runSweep,
  seedOptions,
  sweepExitCode,
  sweepJson,
  sweepSummaryLine,
  type SweepOptions,
} from './sweep';

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

const main = async (): Promise<void> => {
  const cli = parseArgs(process.argv.slice(2));
  if (cli.seed !== undefined) {
    const options = seedOptions(cli, cli.seed);
    const report = await runSimulation(options);
    console.log(describeReport(report));
    if (!report.ok) console.log(failureLine(report, options));
    process.exitCode = report.ok ? 0 : 1;
    return;
  }
  const sweep: SweepOptions = { ...cli, from: cli.from, seeds: cli.seeds };
  const summary = await runSweep(sweep, (report, options) => {
    if (!report.ok) console.log(failureLine(report, options));
  });
  if (cli.json !== undefined) writeFileSync(cli.json, `${JSON.stringify(sweepJson(sweep, summary), null, 2)}\n`);
  console.log(sweepSummaryLine(summary));
  if (cli.plantedBug !== undefined) console.log(plantedBugLine(cli.plantedBug, summary));
  process.exitCode = sweepExitCode(sweep, summary);
};

await main();
