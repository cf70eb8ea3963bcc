/**
 * The kernel benchmark: Ordo's fold, in-memory appends, reads and command handler, side by side
 * with Emmett's in-memory store doing the same work and, for the folds, a hand-written loop.
 *
 *   npm run bench                                  # full run, one to two minutes on 2 busy cores
 *   NODE_OPTIONS=--expose-gc npm run bench         # also collect garbage between cases (optional)
 *   npm run bench -- --quick                       # tiny sizes, a smoke test of the bench itself
 *   npm run bench -- --runs 7                      # measured rounds per case (default 5)
 *   npm run bench -- --only append                 # only the case groups whose label contains the word
 *
 * Prints a table and the JSON, and writes the JSON to bench/results/kernel.json (not with --quick or --only).
 */
import { readFileSync, writeFileSync, mkdirSync } from 'node:fs';
import { createRequire } from 'node:module';
import os from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { batchAppendCases, singleAppendCases } from './append-cases';
import type { CaseResult, CaseSettings } from './case-result';
import { commandCases } from './command-cases';
import { loadFoldCases, pureFoldCases } from './fold-cases';
import { collectGarbage, gcExposed } from './measure';
import { readCases } from './read-cases';
import { formatLatencies, formatTable, ratios, targetMet } from './report';

const args = process.argv.slice(2);
const quick = args.includes('--quick');
const runsArg = args.indexOf('--runs');
const runs = runsArg >= 0 ? Number(args[runsArg + 1]) : undefined;
if (runs !== undefined && !(Number.isInteger(runs) && runs >= 1)) {
  console.error('--runs needs a positive integer');
  process.exit(2);
}
const onlyArg = args.indexOf('--only');
const only = onlyArg >= 0 ? args[onlyArg + 1] : undefined;
const scale = quick ? 0.02 : 1;

/** One warm-up round and five measured rounds by default; one measured round with --quick. */
const settings = (): CaseSettings => ({
  scale,
  repetitions: { warmup: 1, measured: runs ?? (quick ? 1 : 5) },
});

const emmettVersion = (): string => {
  try {
    const require = createRequire(import.meta.url);
    let dir = dirname(require.resolve('@event-driven-io/emmett'));
    for (let i = 0; i < 5; i++, dir = dirname(dir)) {
      try {
        const pkg = JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8')) as { name?: string; version?: string };
        if (pkg.name === '@event-driven-io/emmett') return pkg.version ?? 'unknown';
      } catch {
        // no package.json at this level
      }
    }
  } catch {
    // not resolvable: reported as unknown
  }
  return 'unknown';
};

const main = async () => {
  const started = Date.now();
  const loadBefore = os.loadavg();
  const groups: Array<[string, () => Promise<CaseResult[]>]> = [
    ['fold (array)', () => pureFoldCases(settings())],
    ['load + fold', () => loadFoldCases(settings())],
    ['single appends', () => singleAppendCases(settings())],
    ['batched appends', () => batchAppendCases(settings())],
    ['reads', () => readCases(settings())],
    ['command handler', () => commandCases(settings())],
  ];
  const cases: CaseResult[] = [];
  for (const [label, run] of groups) {
    if (only !== undefined && !label.includes(only)) continue;
    collectGarbage();
    const t0 = Date.now();
    cases.push(...(await run()));
    console.error(`  ${label}: ${((Date.now() - t0) / 1000).toFixed(1)} s`);
  }

  const cpus = os.cpus();
  const result = {
    benchmark: 'kernel (in-memory)',
    date: new Date().toISOString(),
    machine: {
      node: process.version,
      v8: process.versions.v8,
      platform: `${process.platform} ${process.arch}`,
      cpuModel: cpus[0]?.model ?? 'unknown',
      cpus: cpus.length,
      totalMemoryGiB: Math.round((os.totalmem() / 2 ** 30) * 10) / 10,
      loadAverageBefore: loadBefore.map((l) => Math.round(l * 100) / 100),
      loadAverageAfter: os.loadavg().map((l) => Math.round(l * 100) / 100),
      gcExposed,
    },
    method:
      'one warm-up run, then measured runs; figures are medians of the measured runs; timed with process.hrtime.bigint(); ' +
      'peers take turns within each round; ratios are of the medians, each *Range is the lowest and highest ' +
      "of the per-round ratios (round i: ordo's run i over the peer's run i); targets are judged on the median ratio; " +
      'global.gc() between cases when node runs with --expose-gc',
    quick,
    durationSeconds: Math.round((Date.now() - started) / 100) / 10,
    peers: {
      ordo: '@ordo/kernel + @ordo/adapter-memory (workspace source)',
      emmett: `@event-driven-io/emmett ${emmettVersion()} (getInMemoryEventStore, aggregateStream, DeciderCommandHandler)`,
      ceiling:
        'hand-written fold loop: state in local variables, no object per event; ' +
        'for load+fold, that loop over the records the same readStream answers',
    },
    cases: cases.map((c) => ({ ...c, ...ratios(c), targetMet: targetMet(c) })),
  };

  console.log(formatTable(cases));
  console.log('');
  console.log('single-append latency (time between consecutive completions):');
  console.log(formatLatencies(cases));
  console.log('');
  const json = JSON.stringify(result, (_, v: unknown) => (typeof v === 'bigint' ? v.toString() : v), 2);
  console.log(json);
  if (!quick && only === undefined) {
    const out = fileURLToPath(new URL('../../results/kernel.json', import.meta.url));
    mkdirSync(dirname(out), { recursive: true });
    writeFileSync(out, `${json}\n`);
    console.error(`written to bench/results/kernel.json`);
  }
};

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
