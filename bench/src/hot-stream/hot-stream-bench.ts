/**
 * Hot-stream benchmark: many commands on ONE stream through the kernel's command handler and
 * the PostgreSQL event store, from one process and from two.
 *
 *   npm run bench:hot-stream
 *   node --conditions=ordo-source --import tsx bench/src/hot-stream/hot-stream-bench.ts
 *
 * Starts an embedded PostgreSQL (fsync on: real commits) through scripts/postgres/server.mjs
 * unless DATABASE_URL is set, and forks two writer processes (`hot-stream-worker.ts`), each with
 * its own pool, store and command handler. Prints a markdown table and the JSON report, which it
 * also writes to bench/results/hot-stream.json. About two minutes on 2 cores.
 *
 * Within one process the handler queues a stream's commands behind each other, so they cannot
 * conflict: the one-process rows must show 0 conflicts. Two processes race for the stream: each
 * conflict the store reports costs the loser a retry (after the backoff); a command whose retry
 * budget runs out answers `ConcurrencyConflict`. The two-process rows report both.
 *
 * Cases: one process firing 50 and 500 commands at once; two processes firing 50 each at once;
 * two processes firing 250 each at once, and two processes issuing a steady 100 commands/s each
 * (open loop) for 4 s, each of these two loads with the default policy (`maxRetries` 30,
 * `jitteredBackoff()` from 1 ms), the first defaults (`maxRetries` 8, `baseMs` 4) and
 * `backoff: noBackoff`. Rounds run
 * cases in turn (round 1 of every case, then round 2, ...), each round on a fresh stream, which
 * is then read back and checked: one event per successful command, versions 0..n-1, each event
 * decided on the state the one before it left.
 *
 * Options (environment):
 * - BENCH_ROUNDS=5 rounds per case (each round a fresh stream).
 * - BENCH_RATE=100 commands/s per process of the steady-rate case; BENCH_RATE_SECONDS=4.
 * - BENCH_ONLY=word,word runs only the cases whose label contains one of the words; the report
 *   is printed but not written to bench/results.
 * - BENCH_POLICIES='maxRetries=12;baseMs=8,maxRetries=10' adds, per policy, two two-process rows
 *   (250 concurrent commands per process, and the steady rate) with that policy (fields
 *   `maxRetries`, `baseMs`, `maxMs`, `backoff=none`); the report is then not written either.
 */
import { type PostgresEventStore, createPostgresEventStore } from '@ordo/adapter-postgres';
import { DEFAULT_MAX_RETRIES, type EventStore } from '@ordo/kernel';
import { type ChildProcess, fork } from 'node:child_process';
import { mkdir, writeFile } from 'node:fs/promises';
import os from 'node:os';
import { performance } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';
import pg from 'pg';
import { createDatabase, dropDatabase, ensurePostgres, uniqueDatabaseName } from '../../../scripts/postgres/server.mjs';
import type { Bumped, Policy, RoundReport, WorkerMessage, WorkerRequest } from './hot-stream-worker';

const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 5);
const RATE = Number(process.env.BENCH_RATE ?? 100);
const RATE_SECONDS = Number(process.env.BENCH_RATE_SECONDS ?? 4);
const ONLY = (process.env.BENCH_ONLY ?? '')
  .split(',')
  .map((w) => w.trim())
  .filter(Boolean);
const EXTRA_POLICIES = (process.env.BENCH_POLICIES ?? '')
  .split(';')
  .map((p) => p.trim())
  .filter(Boolean);
const SCHEMA = 'hot';

const log = (text: string) => process.stderr.write(`${text}\n`);
const now = () => performance.timeOrigin + performance.now();

/** One row of the table. */
interface Case {
  readonly label: string;
  readonly processes: 1 | 2;
  readonly policy: Policy;
  readonly load: Extract<WorkerRequest, { type: 'round' }>['load'];
}

/** What one round of a case measured, all processes together. */
interface RoundFigures {
  readonly commands: number;
  readonly succeeded: number;
  readonly gaveUp: number;
  readonly conflicts: number;
  readonly retriesPerCommand: number;
  readonly failureRate: number;
  readonly attemptsMean: number;
  readonly attemptsMax: number;
  readonly commandsPerSecond: number;
  readonly p50Ms: number;
  readonly p99Ms: number;
  readonly seconds: number;
}

interface CaseResult {
  readonly label: string;
  readonly processes: number;
  readonly policy: string;
  readonly load: Case['load'];
  /** All rounds together: counts summed, commands/s over the summed round durations, latency quantiles of every command. */
  readonly total: Omit<RoundFigures, 'seconds'>;
  readonly rounds: ReadonlyArray<RoundFigures>;
}

const policyText = (policy: Policy): string => {
  const parts: string[] = [];
  if (policy.maxRetries !== undefined) parts.push(`maxRetries ${policy.maxRetries}`);
  const b = policy.backoff;
  if (b?.kind === 'none') parts.push('backoff: noBackoff');
  if (b?.kind === 'jittered') {
    const options = [
      ...(b.baseMs === undefined ? [] : [`baseMs: ${b.baseMs}`]),
      ...(b.maxMs === undefined ? [] : [`maxMs: ${b.maxMs}`]),
    ];
    parts.push(`jitteredBackoff({ ${options.join(', ')} })`);
  }
  return parts.length === 0 ? 'defaults' : parts.join(', ');
};

/** `maxRetries=12,baseMs=8,maxMs=400,backoff=none` -> a Policy. */
const parsePolicy = (text: string): Policy => {
  const fields = new Map(
    text.split(',').map((kv) => {
      const [key, value] = kv.split('=').map((s) => s.trim());
      return [key!, value ?? ''] as const;
    }),
  );
  const num = (key: string) => (fields.has(key) ? Number(fields.get(key)) : undefined);
  const maxRetries = num('maxRetries');
  const baseMs = num('baseMs');
  const maxMs = num('maxMs');
  const backoff: Policy['backoff'] =
    fields.get('backoff') === 'none'
      ? { kind: 'none' }
      : baseMs !== undefined || maxMs !== undefined
        ? {
            kind: 'jittered',
            ...(baseMs === undefined ? {} : { baseMs }),
            ...(maxMs === undefined ? {} : { maxMs }),
          }
        : undefined;
  return { ...(maxRetries === undefined ? {} : { maxRetries }), ...(backoff === undefined ? {} : { backoff }) };
};

/** The two-process policies compared on each load: the defaults and one knob turned at a time. */
const POLICIES: ReadonlyArray<readonly [string, Policy]> = [
  ['', {}],
  // The first defaults, before the exploration runs (docs/hot-streams.md) chose today's.
  [', maxRetries 8, jitteredBackoff({ baseMs: 4 })', { maxRetries: 8, backoff: { kind: 'jittered', baseMs: 4 } }],
  [', noBackoff', { backoff: { kind: 'none' } }],
  ...EXTRA_POLICIES.map((text): readonly [string, Policy] => [`, ${text}`, parsePolicy(text)]),
];
const BURST: Case['load'] = { mode: 'burst', commands: 250 };
const STEADY: Case['load'] = { mode: 'rate', perSecond: RATE, seconds: RATE_SECONDS };

const cases: ReadonlyArray<Case> = [
  { label: '1 process, 50 concurrent', processes: 1, policy: {}, load: { mode: 'burst', commands: 50 } },
  { label: '1 process, 500 concurrent', processes: 1, policy: {}, load: { mode: 'burst', commands: 500 } },
  { label: '2 processes, 50 concurrent each', processes: 2, policy: {}, load: { mode: 'burst', commands: 50 } },
  ...POLICIES.map(([suffix, policy]): Case => ({
    label: `2 processes, 250 concurrent each${suffix}`,
    processes: 2,
    policy,
    load: BURST,
  })),
  ...POLICIES.map(([suffix, policy]): Case => ({
    label: `2 processes, steady ${RATE}/s each for ${RATE_SECONDS} s${suffix}`,
    processes: 2,
    policy,
    load: STEADY,
  })),
];
const selected = (label: string) => ONLY.length === 0 || ONLY.some((w) => label.includes(w));

/** A forked writer process and a way to ask it for a round. */
interface Worker {
  readonly child: ChildProcess;
  readonly round: (request: Extract<WorkerRequest, { type: 'round' }>) => Promise<RoundReport>;
}

const WORKER = fileURLToPath(new URL('./hot-stream-worker.ts', import.meta.url));

const startWorker = (url: string, name: string): Promise<Worker> =>
  new Promise((resolve, reject) => {
    const child = fork(WORKER, [url, SCHEMA], {
      execArgv: ['--conditions=ordo-source', '--import', 'tsx'],
      stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
    });
    const pending = new Map<number, { resolve: (r: RoundReport) => void; reject: (e: Error) => void }>();
    child.on('message', (message: WorkerMessage) => {
      if (message.type === 'ready') {
        resolve({
          child,
          round: (request) =>
            new Promise((res, rej) => {
              pending.set(request.id, { resolve: res, reject: rej });
              child.send(request);
            }),
        });
      } else if (message.type === 'result') {
        pending.get(message.id)?.resolve(message);
        pending.delete(message.id);
      } else {
        const error = new Error(`worker ${name}: ${message.message}`);
        for (const p of pending.values()) p.reject(error);
        pending.clear();
      }
    });
    child.on('exit', (code) => {
      const error = new Error(`worker ${name} exited (${code})`);
      reject(error);
      for (const p of pending.values()) p.reject(error);
      pending.clear();
    });
  });

const quantile = (sorted: ReadonlyArray<number>, q: number) =>
  sorted.length === 0 ? 0 : sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))]!;

const figures = (reports: ReadonlyArray<RoundReport>, seconds: number): RoundFigures => {
  const sum = (f: (r: RoundReport) => number) => reports.reduce((n, r) => n + f(r), 0);
  const commands = sum((r) => r.commands);
  const attempts = reports.flatMap((r) => r.attempts);
  const latencies = reports.flatMap((r) => r.latenciesMs).sort((a, b) => a - b);
  const conflicts = sum((r) => r.conflicts);
  const gaveUp = sum((r) => r.gaveUp);
  return {
    commands,
    succeeded: sum((r) => r.succeeded),
    gaveUp,
    conflicts,
    retriesPerCommand: conflicts / commands,
    failureRate: gaveUp / commands,
    attemptsMean: attempts.reduce((a, b) => a + b, 0) / attempts.length,
    attemptsMax: Math.max(...attempts),
    commandsPerSecond: commands / seconds,
    p50Ms: quantile(latencies, 0.5),
    p99Ms: quantile(latencies, 0.99),
    seconds,
  };
};

/** The stream holds one event per successful command, versions 0..n-1, each decided on the state before it. */
const verify = async (store: EventStore<Bumped>, streamId: string, succeeded: number) => {
  const events = await store.readStream(streamId);
  if (events.length !== succeeded) throw new Error(`${streamId}: ${events.length} events for ${succeeded} successes`);
  events.forEach((e, i) => {
    if (e.streamVersion !== BigInt(i) || e.event.seen !== i) {
      throw new Error(`${streamId}: event ${i} has version ${e.streamVersion} and saw ${e.event.seen} events`);
    }
  });
  if (new Set(events.map((e) => e.metadata.commandId)).size !== succeeded) {
    throw new Error(`${streamId}: a command appended twice`);
  }
};

const main = async () => {
  const server = await ensurePostgres();
  const name = uniqueDatabaseName('bench_hot_stream');
  const url = await createDatabase(server.url, name);
  const info = await (async () => {
    const client = new pg.Client({ connectionString: url });
    await client.connect();
    try {
      const { rows } = await client.query<{ version: string; fsync: string; sync: string }>(
        "SELECT version() AS version, current_setting('fsync') AS fsync, current_setting('synchronous_commit') AS sync",
      );
      return rows[0]!;
    } finally {
      await client.end();
    }
  })();
  log(`server: ${info.version.split(' on ')[0]}, fsync=${info.fsync}, synchronous_commit=${info.sync}`);
  const loadBefore = os.loadavg();

  // The parent migrates the schema and reads the streams back; the workers only write.
  const checker: PostgresEventStore = await createPostgresEventStore({
    connectionString: url,
    schema: SCHEMA,
    maxConnections: 2,
  });
  const reader = checker as unknown as EventStore<Bumped>;
  const workers = await Promise.all([startWorker(url, 'A'), startWorker(url, 'B')]);

  let requestId = 0;
  /** One round of `c` on a fresh stream; both processes start at the same instant. */
  const runRound = async (c: Case, streamId: string) => {
    const startAt = now() + 150;
    const reports = await Promise.all(
      workers.slice(0, c.processes).map((w, p) =>
        w.round({
          type: 'round',
          id: requestId++,
          streamId,
          commandPrefix: `${streamId}-p${p}`,
          policy: c.policy,
          startAt,
          load: c.load,
        }),
      ),
    );
    const seconds = (Math.max(...reports.map((r) => r.endedAt)) - Math.min(...reports.map((r) => r.startedAt))) / 1000;
    const round = figures(reports, seconds);
    await verify(reader, streamId, round.succeeded);
    return { round, latencies: reports.flatMap((r) => r.latenciesMs) };
  };

  // Warm-up (not recorded): JIT, prepared statements, the pools' connections.
  log('warm-up...');
  await runRound({ label: 'warm-up', processes: 2, policy: {}, load: { mode: 'burst', commands: 100 } }, 'warm-up');

  // Rounds outer, cases inner: a burst of load from elsewhere on the machine lands on every case
  // rather than on one.
  const chosen = cases.filter((c) => selected(c.label));
  const rounds = new Map<Case, RoundFigures[]>(chosen.map((c) => [c, []]));
  const latencies = new Map<Case, number[]>(chosen.map((c) => [c, []]));
  for (let r = 0; r < ROUNDS; r++) {
    log(`round ${r + 1} of ${ROUNDS}`);
    for (const [index, c] of chosen.entries()) {
      const { round, latencies: each } = await runRound(c, `case${index}-round${r}`);
      rounds.get(c)!.push(round);
      latencies.get(c)!.push(...each);
      log(
        `  ${c.label}: ${round.commands} commands, ${round.conflicts} conflicts, ${round.gaveUp} gave up, ` +
          `${fmt(round.commandsPerSecond)} commands/s, p99 ${fmt(round.p99Ms)} ms`,
      );
    }
  }
  const results: CaseResult[] = chosen.map((c) => {
    const each = rounds.get(c)!;
    const sum = (f: (r: RoundFigures) => number) => each.reduce((n, r) => n + f(r), 0);
    const commands = sum((r) => r.commands);
    const sorted = latencies.get(c)!.sort((a, b) => a - b);
    return {
      label: c.label,
      processes: c.processes,
      policy: policyText(c.policy),
      load: c.load,
      total: {
        commands,
        succeeded: sum((r) => r.succeeded),
        gaveUp: sum((r) => r.gaveUp),
        conflicts: sum((r) => r.conflicts),
        retriesPerCommand: sum((r) => r.conflicts) / commands,
        failureRate: sum((r) => r.gaveUp) / commands,
        attemptsMean: sum((r) => r.attemptsMean * r.commands) / commands,
        attemptsMax: Math.max(...each.map((r) => r.attemptsMax)),
        commandsPerSecond: commands / sum((r) => r.seconds),
        p50Ms: quantile(sorted, 0.5),
        p99Ms: quantile(sorted, 0.99),
      },
      rounds: each,
    };
  });

  for (const w of workers) w.child.send({ type: 'exit' } satisfies WorkerRequest);
  await Promise.all(workers.map((w) => new Promise((resolve) => w.child.once('exit', resolve))));
  await checker.close();
  await dropDatabase(server.url, name);
  await server.stop();

  const report = {
    benchmark: 'hot stream: commands on one stream, one and two processes',
    date: new Date().toISOString(),
    node: process.version,
    cpus: os.cpus().length,
    cpuModel: os.cpus()[0]?.model ?? 'unknown',
    loadAverage: { before: loadBefore.map(round2), after: os.loadavg().map(round2) },
    server: info.version.split(' on ')[0],
    fsync: info.fsync,
    synchronousCommit: info.sync,
    rounds: ROUNDS,
    defaults: {
      maxRetries: DEFAULT_MAX_RETRIES,
      backoff: 'jitteredBackoff(): exponential, full jitter, 4 ms doubling, cap 200 ms',
      queue: "one createStreamQueue() per handler: a process's commands on one stream run one at a time",
    },
    setup:
      'each process: its own pg.Pool (10 connections), PostgresEventStore (defaults) and createCommandHandler (no cache, no snapshots); a command loads the stream, decides one event and appends it with the loaded version; each round a fresh stream',
    units:
      'conflicts: WrongExpectedVersionErrors thrown by the stores (each one a retry, or the end of a command); retriesPerCommand: conflicts / commands; failureRate: commands that ended as ConcurrencyConflict / commands; attempts: appends per command; latency per command (handle to answer), ms; commandsPerSecond: commands / (last answer - first command)',
    cases: results,
  };
  printTable(results);
  const json = JSON.stringify(report, null, 2);
  console.log(json);
  if (ONLY.length === 0 && EXTRA_POLICIES.length === 0) {
    const dir = fileURLToPath(new URL('../../results/', import.meta.url));
    await mkdir(dir, { recursive: true });
    await writeFile(`${dir}hot-stream.json`, `${json}\n`);
    log(`wrote ${dir}hot-stream.json`);
  }
};

const round2 = (n: number) => Math.round(n * 100) / 100;
const fmt = (n: number) => (n >= 100 ? Math.round(n).toLocaleString('en-US') : n.toFixed(n >= 10 ? 1 : 2));
const pct = (n: number) => `${(n * 100).toFixed(n === 0 ? 0 : 1)}%`;
/** A figure over all rounds, then its lowest and highest round. */
const ranged = (total: number, perRound: ReadonlyArray<number>, f: (n: number) => string) =>
  perRound.length < 2 ? f(total) : `${f(total)} (${f(Math.min(...perRound))}-${f(Math.max(...perRound))})`;

const printTable = (results: ReadonlyArray<CaseResult>) => {
  const header = [
    'case',
    'commands',
    'conflicts (retries)',
    'retries/command',
    'gave up (ConcurrencyConflict)',
    'failure rate',
    'attempts mean / max',
    'commands/s',
    'p50 / p99 ms',
  ];
  const rows = results.map((r) => {
    const per = (f: (x: RoundFigures) => number) => r.rounds.map(f);
    return [
      r.label,
      String(r.total.commands),
      `${r.total.conflicts} (${per((x) => x.conflicts).join('/')})`,
      ranged(
        r.total.retriesPerCommand,
        per((x) => x.retriesPerCommand),
        (n) => n.toFixed(2),
      ),
      `${r.total.gaveUp} (${per((x) => x.gaveUp).join('/')})`,
      ranged(
        r.total.failureRate,
        per((x) => x.failureRate),
        pct,
      ),
      `${r.total.attemptsMean.toFixed(2)} / ${r.total.attemptsMax}`,
      ranged(
        r.total.commandsPerSecond,
        per((x) => x.commandsPerSecond),
        fmt,
      ),
      `${fmt(r.total.p50Ms)} / ${fmt(r.total.p99Ms)}`,
    ];
  });
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((row) => row[i]!.length)));
  const line = (cells: ReadonlyArray<string>) => `| ${cells.map((c, i) => c.padEnd(widths[i]!)).join(' | ')} |`;
  console.log(
    `\nHot stream, ${ROUNDS} rounds per case (figure over all rounds, then lowest-highest round; per-round counts in brackets)`,
  );
  console.log(`${line(header)}\n|${widths.map((w) => '-'.repeat(w + 2)).join('|')}|`);
  for (const row of rows) console.log(line(row));
};

await main();
