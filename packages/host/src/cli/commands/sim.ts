/** `ordo sim`: the deterministic simulation over many seeds, with progress. */
import { writeFileSync } from 'node:fs';
import { plantedBugs, type PlantedBug } from '../../simulation/planted-bugs';
import { runSimulation, type SimulationOptions } from '../../simulation/run-simulation';
import {
  describeReport,
  plantedBugLine,
  runSweep,
  seedFailureLine,
  seedOptions,
  sweepExitCode,
  sweepJson,
  sweepSummaryLine,
  type SweepOptions,
} from '../../simulation/sweep';
import type { CliCommand } from '../command';
import { EXIT } from '../errors';
import { createProgress } from '../progress';

/** The `ordo` command that replays one seed with the same options. */
export const replayLine = (options: SimulationOptions): string =>
  [
    `ordo sim --seed ${options.seed}`,
    options.orders === undefined ? '' : ` --orders ${options.orders}`,
    options.crashes === undefined ? '' : ` --crashes ${options.crashes}`,
    options.plantedBug === undefined ? '' : ` --planted-bug ${options.plantedBug}`,
  ].join('');

/** `ordo sim`. */
export const simCommand: CliCommand = {
  name: 'sim',
  summary: 'run the deterministic simulation over many seeds; failing seeds print their replay line',
  usage: '[--seeds N [--from N] | --seed N] [flags]',
  description: [
    'Each seed runs the whole system in memory with duplicated and reordered messages, worker crashes and timeouts, then checks the invariants. A bar with an ETA on a terminal, a line per tenth otherwise; then one line per failing seed (SEED n failed: ...; replay: ordo sim --seed n) and a summary. Exit code 1 when a seed failed (with --planted-bug: 0 when the bug was found).',
  ],
  flags: [
    { name: 'seeds', kind: 'integer', min: 1, description: 'seeds to run', defaultText: '200' },
    { name: 'from', kind: 'integer', min: 0, description: 'first seed', defaultText: '1' },
    { name: 'seed', kind: 'integer', min: 0, description: 'run this one seed and print its full report' },
    { name: 'orders', kind: 'integer', min: 1, description: 'orders per seed', defaultText: '25' },
    { name: 'crashes', kind: 'integer', min: 0, description: 'worker crashes allowed per seed', defaultText: '8' },
    {
      name: 'planted-bug',
      kind: 'string',
      choices: plantedBugs,
      placeholder: 'NAME',
      description: 'plant a bug in the saga; stops at the first seed that finds it',
    },
    { name: 'keep-going', kind: 'boolean', description: 'with --planted-bug, do not stop at the first failing seed' },
    {
      name: 'json',
      kind: 'string',
      placeholder: 'FILE',
      description: "also write the sweep's summary as JSON to FILE",
    },
  ],
  examples: [
    'ordo sim --seeds 1000',
    'ordo sim --seed 42',
    'ordo sim --seeds 500 --planted-bug forget-release-last-line',
  ],
  run: async (args, context) => {
    const common = {
      ...(args.integer('orders') === undefined ? {} : { orders: args.integer('orders')! }),
      ...(args.integer('crashes') === undefined ? {} : { crashes: args.integer('crashes')! }),
      ...(args.string('planted-bug') === undefined ? {} : { plantedBug: args.string('planted-bug') as PlantedBug }),
    };
    const seed = args.integer('seed');
    if (seed !== undefined) {
      const options = seedOptions(common, seed);
      const report = await runSimulation(options);
      context.print(describeReport(report));
      if (!report.ok) context.print(seedFailureLine(report, options, replayLine));
      return report.ok ? EXIT.ok : EXIT.failed;
    }
    const sweep: SweepOptions = {
      ...common,
      from: args.integer('from') ?? 1,
      seeds: args.integer('seeds') ?? 200,
      keepGoing: args.boolean('keep-going'),
    };
    const progress = createProgress({ label: 'sim', total: sweep.seeds, unit: 'seeds', stream: context.stdout });
    let failed = 0;
    const summary = await runSweep(sweep, (report, options, done) => {
      if (!report.ok) {
        failed += 1;
        progress.log(seedFailureLine(report, options, replayLine));
      }
      progress.update(done, `${failed} failed`);
    });
    progress.finish(`${summary.failed} failed`);
    const json = args.string('json');
    if (json !== undefined) writeFileSync(json, `${JSON.stringify(sweepJson(sweep, summary), null, 2)}\n`);
    context.print(sweepSummaryLine(summary));
    if (sweep.plantedBug !== undefined) context.print(plantedBugLine(sweep.plantedBug, summary));
    return sweepExitCode(sweep, summary);
  },
};
