#!/usr/bin/env node
// The one test command: finds every *.spec.ts beside the code, runs each file in its own Node
// process (TypeScript through tsx, workspace packages from source through the `ordo-source`
// export condition), adds up uvu's counts and ends with `tests: N passed, N failed, N skipped`.
// Exit code is non-zero when any test failed or any file crashed or timed out.
//
// Usage: node scripts/test.mjs [--unit | --int] [path-substring ...]
//   Unit specs run two at a time; integration specs (*.int.spec.ts, real servers) run one at a time.
//   TEST_FILE_TIMEOUT_MS bounds one file (default 15 minutes).
import { spawn } from 'node:child_process';
import { readdirSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));
const args = process.argv.slice(2);
const onlyUnit = args.includes('--unit');
const onlyInt = args.includes('--int');
const filters = args.filter((a) => !a.startsWith('--'));
const timeoutMs = Number(process.env.TEST_FILE_TIMEOUT_MS ?? 15 * 60 * 1000);
const unitConcurrency = Number(process.env.TEST_CONCURRENCY ?? 2);

const SEARCH = ['packages', 'examples', 'bench', 'scripts'];
const SKIP_DIRS = new Set(['node_modules', 'dist', '.turbo', '.git', '.cache']);

const findSpecs = (dir) => {
  let out = [];
  let entries;
  try {
    entries = readdirSync(dir);
  } catch {
    return out;
  }
  for (const name of entries) {
    if (SKIP_DIRS.has(name)) continue;
    const path = join(dir, name);
    const st = statSync(path);
    if (st.isDirectory()) out = out.concat(findSpecs(path));
    else if (name.endsWith('.spec.ts')) out.push(path);
  }
  return out;
};

const all = SEARCH.flatMap((d) => findSpecs(join(root, d)))
  .map((p) => relative(root, p))
  .filter((p) => filters.length === 0 || filters.some((f) => p.includes(f)))
  .sort();
const unit = onlyInt ? [] : all.filter((p) => !p.endsWith('.int.spec.ts'));
const integration = onlyUnit ? [] : all.filter((p) => p.endsWith('.int.spec.ts'));

// eslint-disable-next-line no-control-regex
const stripAnsi = (s) => s.replace(/\u001b\[[0-9;]*m/g, '');

const runFile = (file) =>
  new Promise((resolve) => {
    const started = Date.now();
    const child = spawn(process.execPath, ['--conditions=ordo-source', '--import', 'tsx', file], {
      cwd: root,
      env: { ...process.env, FORCE_COLOR: '0', NO_COLOR: '1' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let output = '';
    child.stdout.on('data', (d) => (output += d));
    child.stderr.on('data', (d) => (output += d));
    let timedOut = false;
    const timer = setTimeout(() => {
      timedOut = true;
      child.kill('SIGKILL');
    }, timeoutMs);
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      const text = stripAnsi(output);
      const num = (label) => {
        const matches = [...text.matchAll(new RegExp(`^\\s*${label}:\\s+(\\d+)`, 'gm'))];
        return matches.length ? Number(matches[matches.length - 1][1]) : undefined;
      };
      const total = num('Total');
      const passed = num('Passed');
      const skipped = num('Skipped') ?? 0;
      let failed = total !== undefined && passed !== undefined ? total - passed : 0;
      let crashed = false;
      if (total === undefined || passed === undefined || timedOut || (code !== 0 && failed === 0)) {
        // A file that crashed, hung or exited non-zero without a failing test counts as one failure.
        crashed = true;
        failed = Math.max(failed, 1);
      }
      resolve({
        file,
        passed: passed ?? 0,
        failed,
        skipped,
        crashed,
        timedOut,
        code,
        signal,
        seconds: (Date.now() - started) / 1000,
        text,
      });
    });
  });

const results = [];
const report = (r) => {
  results.push(r);
  const status = r.failed > 0 ? 'FAIL' : 'ok  ';
  const extra = r.timedOut ? ' (timed out)' : r.crashed ? ` (crashed, exit ${r.code ?? r.signal})` : '';
  console.log(
    `${status} ${r.file}  ${r.passed} passed, ${r.failed} failed, ${r.skipped} skipped  ${r.seconds.toFixed(1)}s${extra}`,
  );
  if (r.failed > 0 || process.env.TEST_VERBOSE) {
    console.log(
      r.text
        .split('\n')
        .map((l) => `    ${l}`)
        .join('\n'),
    );
  }
  // Lines a test prints on purpose (skip reasons, seeds) are shown even on success.
  for (const line of r.text.split('\n'))
    if (/^\s*(SKIP|NOTE|SEED)\b/.test(line) && r.failed === 0) console.log(`    ${line.trim()}`);
};

const pool = async (files, concurrency) => {
  const queue = [...files];
  const workers = Array.from({ length: Math.max(1, Math.min(concurrency, queue.length)) }, async () => {
    while (queue.length) report(await runFile(queue.shift()));
  });
  await Promise.all(workers);
};

const t0 = Date.now();
await pool(unit, unitConcurrency);
await pool(integration, 1);
const sum = (k) => results.reduce((n, r) => n + r[k], 0);
const passed = sum('passed');
const failed = sum('failed');
const skipped = sum('skipped');
console.log(`\n${results.length} spec files in ${((Date.now() - t0) / 1000).toFixed(1)}s`);
if (results.length === 0) console.log('no spec files matched');
console.log(`tests: ${passed} passed, ${failed} failed, ${skipped} skipped`);
process.exit(failed > 0 || results.length === 0 ? 1 : 0);
