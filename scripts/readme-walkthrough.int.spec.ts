/**
 * Runs the root README's "Run it as a service" shell blocks, found by their info string:
 * - ```` ```sh walkthrough-serve ````: one `npx ordo serve ...` line. Started here as a child (the
 *   CLI from source, with `--port 0` added), on the in-memory default.
 * - ```` ```sh walkthrough ````: the curl walk-through (several such blocks run as one script, in
 *   order). Run with `bash` under `set -euo pipefail`, `BASE` set to the server's URL; it passes
 *   when it exits 0 and printed `order <id>: completed`.
 * - ```` ```sh walkthrough-postgres ````: the same system on PostgreSQL + Kafka, split over
 *   processes that it starts in the background (`&`). Run with `bash` as written, with
 *   `DATABASE_URL` = a fresh database (DATABASE_URL's server or the embedded one of
 *   scripts/postgres/server.mjs), `KAFKA_BROKERS` from scripts/kafka/broker.mjs `ensureBroker()`,
 *   and what the block leaves to the environment set so that runs do not collide
 *   (`ORDO_TOPIC_PREFIX` unique, `ORDO_PORT` free); then the walk-through runs against that port.
 *   Every process it starts is in one process group, terminated (SIGTERM, then SIGKILL) at the end.
 * - Every `ordo <command>` in these blocks uses only flags that `ordo <command> --help` lists.
 * A failure prints the script's output and the servers' last lines.
 */
import { type ChildProcess, execFile, spawn } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { fileURLToPath } from 'node:url';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { ensureBroker } from './kafka/broker.mjs';
import { createDatabase, dropDatabase, ensurePostgres, uniqueDatabaseName } from './postgres/server.mjs';

const root = fileURLToPath(new URL('..', import.meta.url));
const CLI = ['--conditions=ordo-source', '--import', 'tsx', 'packages/host/src/cli/main.ts'];
const readme = readFileSync(new URL('../README.md', import.meta.url), 'utf8');

/** The bodies of the README's top-level fenced blocks whose info string is exactly `info`. */
const blocksOf = (markdown: string, info: string): string[] => {
  const blocks: string[] = [];
  let current: string[] | undefined;
  for (const line of markdown.split('\n')) {
    if (current === undefined) {
      if (line.trim() === '```' + info && line.startsWith('```')) current = [];
    } else if (line === '```') {
      blocks.push(current.join('\n'));
      current = undefined;
    } else current.push(line);
  }
  if (current !== undefined) throw new Error(`README.md: the \`${info}\` block is not closed`);
  return blocks;
};

/** Each `ordo <command> ...` invocation of a shell block (continuation lines joined): command and flags. */
const ordoInvocations = (script: string): { command: string; flags: string[] }[] =>
  script
    .replace(/\\\n/g, ' ')
    .split('\n')
    .flatMap((line) => [...line.matchAll(/(?:^|[\s;&|(])(?:npx\s+)?ordo\s+([a-z][a-z-]*)([^;&|)\n]*)/g)])
    .map((m) => ({
      command: m[1] ?? '',
      flags: (m[2] ?? '')
        .split(/\s+/)
        .filter((word) => word.startsWith('--'))
        .map((word) => word.split('=')[0] ?? word),
    }));

const single = (info: string): string => {
  const found = blocksOf(readme, info);
  if (found.length !== 1) throw new Error(`README.md needs exactly one \`\`\`${info} block, has ${found.length}`);
  return found[0] ?? '';
};
const walkthrough = blocksOf(readme, 'sh walkthrough').join('\n');
const serveBlock = single('sh walkthrough-serve');
const postgresBlock = single('sh walkthrough-postgres');

/** The environment of a child: this one without `ORDO_*` (a developer's settings must not leak in), plus `extra`. */
const childEnv = (extra: Record<string, string>): NodeJS.ProcessEnv => {
  const env: NodeJS.ProcessEnv = { ...process.env, FORCE_COLOR: '0', NO_COLOR: '1' };
  for (const key of Object.keys(env)) if (key.startsWith('ORDO_')) delete env[key];
  return { ...env, ...extra };
};

const tail = (text: string, lines = 60) => text.trim().split('\n').slice(-lines).join('\n');

/** Runs `script` with bash in a process group of its own; after it ends, every process it left is terminated. */
const runBash = (script: string, env: NodeJS.ProcessEnv, timeoutMs: number) =>
  new Promise<{ exit: string; output: string }>((resolve) => {
    const child = spawn('bash', ['-c', `set -euo pipefail\n${script}`], {
      cwd: root,
      env,
      detached: true,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let output = '';
    child.stdout.on('data', (d) => (output += d));
    child.stderr.on('data', (d) => (output += d));
    let timedOut = false;
    const timer = setTimeout(() => {
      timedOut = true;
      signalGroup(child, 'SIGKILL');
    }, timeoutMs);
    child.on('exit', (code, signal) => {
      clearTimeout(timer);
      void stopGroup(child).then(() =>
        resolve({ exit: timedOut ? `timeout after ${timeoutMs} ms` : String(code ?? signal), output }),
      );
    });
  });

const signalGroup = (child: ChildProcess, signal: NodeJS.Signals | 0): boolean => {
  try {
    if (child.pid !== undefined) process.kill(-child.pid, signal);
    return true;
  } catch {
    return false; // no process left in the group
  }
};

/** SIGTERM to the group of `child` (a detached child leads its own), SIGKILL to what is left after 20 s. */
const stopGroup = async (child: ChildProcess): Promise<void> => {
  if (!signalGroup(child, 'SIGTERM')) return;
  const deadline = Date.now() + 20_000;
  while (Date.now() < deadline) {
    await new Promise((r) => setTimeout(r, 200));
    if (!signalGroup(child, 0)) return;
  }
  signalGroup(child, 'SIGKILL');
};

const freePort = () =>
  new Promise<number>((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() => resolve(typeof address === 'object' && address !== null ? address.port : 0));
    });
  });

/** Fails with the walk-through's output unless it exited 0 and saw the order complete. */
const assertCompleted = (label: string, result: { exit: string; output: string }, serverOutput: () => string) => {
  const completed = /^order \S+: completed$/m.test(result.output);
  if (result.exit !== '0' || !completed) {
    throw Object.assign(new Error(`${label}: the walk-through exited with ${result.exit}, completed: ${completed}`), {
      details: `--- walk-through output\n${tail(result.output)}\n--- server output\n${tail(serverOutput(), 30)}`,
    });
  }
  const seen = [...result.output.matchAll(/^order \S+: (\S+)$/gm)].map((m) => m[1]);
  console.log(`\nNOTE readme walk-through (${label}): order statuses polled: ${seen.join(' -> ')}`);
};

const helpFlags = (command: string) =>
  new Promise<Set<string>>((resolve, reject) => {
    execFile(process.execPath, [...CLI, command, '--help'], { cwd: root, env: childEnv({}) }, (error, stdout) => {
      if (error) reject(new Error(`ordo ${command} --help failed: ${error.message}`));
      else resolve(new Set([...stdout.matchAll(/^\s+(--[a-z][a-z0-9-]*)/gm)].map((m) => m[1] ?? '')));
    });
  });

test('the README has the blocks: one serve line, a walk-through, the PostgreSQL + Kafka start', () => {
  assert.ok(walkthrough.includes('$BASE'), 'the walk-through uses $BASE');
  assert.match(serveBlock.trim(), /^npx ordo serve( --[a-z-]+ [^\s"'$]+)*$/);
  assert.ok(postgresBlock.includes('ordo migrate'), 'the PostgreSQL block migrates');
  assert.ok(postgresBlock.includes('--store postgres'), 'the PostgreSQL block names the store');
  assert.ok(postgresBlock.includes('--kafka-brokers'), 'the PostgreSQL block names the brokers');
  assert.ok(ordoInvocations(postgresBlock).filter((i) => i.command === 'serve').length >= 2, 'two serve processes');
});

test('every ordo flag in the blocks is one `ordo <command> --help` lists', async () => {
  const invocations = [serveBlock, walkthrough, postgresBlock].flatMap(ordoInvocations);
  assert.ok(invocations.length >= 4, `found ${invocations.length} ordo invocations`);
  const known = new Map<string, Set<string>>();
  const unknown: string[] = [];
  for (const { command, flags } of invocations) {
    if (!known.has(command)) known.set(command, await helpFlags(command));
    for (const flag of flags) if (!known.get(command)?.has(flag)) unknown.push(`ordo ${command} ${flag}`);
  }
  assert.equal(unknown, [], `flags the CLI does not know: ${unknown.join(', ')}`);
});

test('the walk-through against `ordo serve` on the in-memory default: the order completes', async () => {
  const args = serveBlock.trim().split(/\s+/).slice(2); // after `npx ordo`
  const server = spawn(process.execPath, [...CLI, ...args, '--port', '0'], {
    cwd: root,
    env: childEnv({}),
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let serverOutput = '';
  server.stdout.on('data', (d) => (serverOutput += d));
  server.stderr.on('data', (d) => (serverOutput += d));
  const exited = new Promise<void>((resolve) => server.once('exit', () => resolve()));
  try {
    const base = await new Promise<string>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`ordo serve did not listen in 60 s:\n${serverOutput}`)), 60_000);
      const look = () => {
        const url = /listening on (http:\/\/\S+)/.exec(serverOutput)?.[1];
        if (url !== undefined) {
          clearTimeout(timer);
          resolve(url);
        }
      };
      server.stdout.on('data', look);
      server.once('exit', (code) => reject(new Error(`ordo serve exited with ${code}:\n${serverOutput}`)));
    });
    const result = await runBash(walkthrough, childEnv({ BASE: base }), 90_000);
    assertCompleted('in memory', result, () => serverOutput);
  } finally {
    server.kill('SIGTERM');
    await exited;
  }
});

test('the PostgreSQL + Kafka block as written, then the walk-through against it: the order completes', async () => {
  const postgres = await ensurePostgres({ fast: true });
  const kafka = await ensureBroker();
  const name = uniqueDatabaseName('readme_walkthrough');
  const url = await createDatabase(postgres.url, name);
  try {
    const port = await freePort();
    const base = `http://127.0.0.1:${port}`;
    const processes = (postgresBlock.match(/&\s*$/gm) ?? []).length;
    const script = [
      postgresBlock,
      // Not in the README: wait until the API process answers ready (store and broker reachable),
      // failing at once when one of the processes the block started has exited.
      'for _ in $(seq 180); do',
      `  [ "$(jobs -rp | wc -l)" -eq ${processes} ] || { echo 'readme-walkthrough: an ordo process exited' >&2; exit 1; }`,
      `  curl -sf "${base}/health/ready" >/dev/null && break`,
      '  sleep 0.5',
      'done',
      walkthrough,
    ].join('\n');
    const env = childEnv({
      DATABASE_URL: url,
      KAFKA_BROKERS: kafka.brokers.join(','),
      ORDO_TOPIC_PREFIX: `readme-${randomUUID().slice(0, 8)}.`,
      ORDO_PORT: String(port),
      BASE: base,
    });
    const result = await runBash(script, env, 240_000);
    assertCompleted('PostgreSQL + Kafka', result, () => '(in the walk-through output: the processes share it)');
  } finally {
    await dropDatabase(postgres.url, name).catch((error: unknown) => console.log(`NOTE drop ${name}: ${error}`));
    await postgres.stop();
  }
});

test.run();
