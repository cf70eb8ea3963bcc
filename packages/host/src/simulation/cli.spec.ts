import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { test } from 'uvu';
import * as assert from 'uvu/assert';

// The simulation's command line, run as a user runs it: a sweep prints its summary and, with
// --json, writes the figures the README's measured table is backed by.
const cli = fileURLToPath(new URL('./cli.ts', import.meta.url));
const run = (args: ReadonlyArray<string>) =>
  spawnSync(process.execPath, ['--conditions=ordo-source', '--import', 'tsx', cli, ...args], { encoding: 'utf8' });

test('a sweep with --json writes its summary', () => {
  const dir = mkdtempSync(join(tmpdir(), 'ordo-sim-'));
  try {
    const file = join(dir, 'simulation.json');
    const result = run(['--seeds', '2', '--orders', '5', '--json', file]);
    assert.is(result.status, 0, result.stderr);
    assert.match(result.stdout, /2 seeds \(1\.\.2\), 0 failed; 10 orders/);
    const summary = JSON.parse(readFileSync(file, 'utf8')) as Record<string, unknown>;
    assert.is(summary.benchmark, 'simulation');
    assert.equal(summary.seeds, { from: 1, run: 2 });
    assert.is(summary.orders, 10);
    assert.is(summary.failedSeeds, 0);
    assert.is((summary.completed as number) + (summary.cancelled as number), 10);
    assert.ok(typeof summary.ordersPerSecond === 'number' && summary.ordersPerSecond > 0);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('bad flags exit with 2 and say what was wrong', () => {
  for (const [args, message] of [
    [['--json'], /--json needs a file name/],
    [['--seeds', '0'], /--seeds needs an integer >= 1/],
    [['--nope'], /unknown option --nope/],
  ] as const) {
    const result = run(args);
    assert.is(result.status, 2, args.join(' '));
    assert.match(result.stderr, message);
  }
});

test.run();
