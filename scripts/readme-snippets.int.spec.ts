/**
 * Runs every README block marked ```` ```ts run ```` (see `readme-snippets.spec.ts`, which
 * compiles all of them): each in a Node process of its own (TypeScript through tsx, workspace
 * packages from source), with `DATABASE_URL` pointing at a fresh database on a real PostgreSQL
 * (DATABASE_URL's server, or an embedded one from scripts/postgres/server.mjs). A block passes
 * when its process exits 0 by itself within the timeout: it ran as written and closed what it
 * opened. A failure names the README, the block's line, the exit and the process's output.
 */
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { test } from 'uvu';
import {
  type PostgresHandle,
  createDatabase,
  dropDatabase,
  ensurePostgres,
  uniqueDatabaseName,
} from './postgres/server.mjs';
import { readmeSnippets, writeRunnableSnippet } from './test-support/readme-snippets';

const root = fileURLToPath(new URL('..', import.meta.url));
const runnable = readmeSnippets(root).snippets.filter((s) => s.run);
const TIMEOUT_MS = Number(process.env.README_SNIPPET_TIMEOUT_MS ?? 60_000);

let server: PostgresHandle;
test.before(async () => {
  server = await ensurePostgres({ fast: true });
});
test.after(async () => {
  await server.stop();
});

/** Runs `file` in its own process; answers its exit (or `timeout`) and its output. */
const runFile = (file: string, env: NodeJS.ProcessEnv) =>
  new Promise<{ exit: string; output: string }>((resolve) => {
    const child = spawn(process.execPath, ['--conditions=ordo-source', '--import', 'tsx', file], {
      cwd: root,
      env: { ...process.env, ...env, FORCE_COLOR: '0', NO_COLOR: '1' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let output = '';
    child.stdout.on('data', (d) => (output += d));
    child.stderr.on('data', (d) => (output += d));
    let timedOut = false;
    const timer = setTimeout(() => {
      timedOut = true;
      child.kill('SIGKILL');
    }, TIMEOUT_MS);
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      resolve({ exit: timedOut ? `timeout after ${TIMEOUT_MS} ms` : String(code ?? signal), output });
    });
  });

test('some README blocks are marked to run', () => {
  if (runnable.length === 0) throw new Error('no ```ts run block in any README');
});

for (const snippet of runnable) {
  test(`${snippet.readme}:${snippet.fenceLine} runs as written`, async () => {
    const name = uniqueDatabaseName('readme_snippet');
    const url = await createDatabase(server.url, name);
    const { file, remove } = writeRunnableSnippet(root, snippet);
    try {
      const { exit, output } = await runFile(file, { DATABASE_URL: url });
      if (exit !== '0') {
        throw Object.assign(new Error(`${snippet.readme}:${snippet.fenceLine}: the block exited with ${exit}`), {
          details: output.trim().split('\n').slice(-40).join('\n'),
        });
      }
    } finally {
      remove();
      await dropDatabase(server.url, name);
    }
  });
}

test.run();
