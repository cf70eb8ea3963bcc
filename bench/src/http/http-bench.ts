/**
 * HTTP benchmark: requests per second and p50 / p99 latency of `GET /orders/{id}` and
 * `POST /orders` on a running `ordo serve`, in-memory and on PostgreSQL, side by side in the same
 * run with a bare Fastify 5 app on this machine (the framework's ceiling: the same two routes
 * answering a similar JSON body, no auth, no store).
 *
 *   npm run bench:http
 *   node --conditions=ordo-source --import tsx bench/src/http/http-bench.ts
 *
 * Every server is a child Node process started the same way (tsx, `ordo-source`); this process is
 * the client for all of them: `ordo load`'s client (Node's fetch, keep-alive) and driver
 * (`packages/host/src/cli/load/`), C closed-loop workers. For `ordo serve` the bench seeds
 * products as the bootstrap admin and registers and logs in C customers through the API (rate
 * limits raised out of the way); worker w is customer w. A round runs, for each server in turn
 * (the order rotates per round): a GET phase (worker w reads its customer's orders, round-robin)
 * then a POST phase (worker w places orders with an Idempotency-Key each), each for a fixed time;
 * after a POST phase the bench waits until every order placed reached a terminal status, so the
 * fulfilment work of one phase does not run into the next measurement. One warm-up round first.
 *
 * Starts an embedded PostgreSQL (fsync on) unless DATABASE_URL is set. Prints a table and the
 * JSON, which it writes to bench/results/http.json.
 *
 * Environment:
 * - HTTP_BENCH_CONCURRENCY (32): C, workers (and customers).
 * - HTTP_BENCH_ROUNDS (3): measured rounds.
 * - HTTP_BENCH_PHASE_SECONDS (4): length of each measured phase.
 * - HTTP_BENCH_WARMUP_SECONDS (2): length of each warm-up phase.
 * - HTTP_BENCH_POSTGRES_POST_SECONDS (1.5): length of the POST phases on PostgreSQL, whose
 *   fulfilment (about 20 orders/s here, bench:host) lags the intake: the bench waits for it.
 * - HTTP_BENCH_ONLY=bare,memory: only these servers (the report is printed, not written).
 * - HTTP_BENCH_CPU_PROF=DIR: run the `ordo serve` processes with `--cpu-prof --cpu-prof-dir=DIR`.
 */
import { randomBytes } from 'node:crypto';
import os from 'node:os';
import { performance } from 'node:perf_hooks';
import { setTimeout as sleep } from 'node:timers/promises';
import { createDatabase, dropDatabase, ensurePostgres, uniqueDatabaseName } from '../../../scripts/postgres/server.mjs';
import { machineReport, postgresInfo, postgresReport, writeBenchResults } from '../shared/bench-output';
import { drive } from '../../../packages/host/src/cli/load/driver';
import { createHistogram, type Histogram } from '../../../packages/host/src/cli/load/histogram';
import { createLoadClient, type LoadClient } from '../../../packages/host/src/cli/load/http-client';
import {
  type CatalogProduct,
  loadAddress,
  logIn,
  orderViewOf,
  registerShoppers,
  seedProducts,
  type Shopper,
  TERMINAL_STATUSES,
} from '../../../packages/host/src/cli/load/shop-api';
import { type ServerProcess, startBareFastify, startOrdoServe } from './servers';

const num = (name: string, fallback: number) => {
  const value = Number(process.env[name] ?? fallback);
  if (!Number.isFinite(value) || value <= 0) throw new Error(`${name} must be a positive number`);
  return value;
};
const CONCURRENCY = Math.round(num('HTTP_BENCH_CONCURRENCY', 32));
const ROUNDS = Math.round(num('HTTP_BENCH_ROUNDS', 3));
const PHASE_SECONDS = num('HTTP_BENCH_PHASE_SECONDS', 4);
const WARMUP_SECONDS = num('HTTP_BENCH_WARMUP_SECONDS', 2);
/** PostgreSQL's fulfilment runs far behind its intake (see the notes): shorter POST phases keep its backlog small. */
const POSTGRES_POST_SECONDS = num('HTTP_BENCH_POSTGRES_POST_SECONDS', 1.5);
const ONLY = (process.env.HTTP_BENCH_ONLY ?? '')
  .split(',')
  .map((w) => w.trim())
  .filter(Boolean);
const CPU_PROF = process.env.HTTP_BENCH_CPU_PROF;
const SETTLE_TIMEOUT_MS = 120_000;

const TARGET_GET = 0.5;
const TARGET_POST_MEMORY = 0.25;
const ADMIN = { email: 'admin@bench.example', password: 'bench-admin-password' };
const JWT_SECRET = 'http-bench-signing-key-0123456789abcdef';
const PRODUCTS: ReadonlyArray<CatalogProduct> = Array.from({ length: 8 }, (_, i) => ({
  sku: `load-${i + 1}`,
  name: `Load product ${i + 1}`,
  price: 100 * (i + 1) + 99,
  currency: 'EUR',
}));

const log = (line: string) => process.stderr.write(`${line}\n`);
const round1 = (x: number) => Math.round(x * 10) / 10;
const round2 = (x: number) => Math.round(x * 100) / 100;
const round3 = (x: number) => Math.round(x * 1000) / 1000;
const clientCpuMs = () => {
  const usage = process.cpuUsage();
  return (usage.user + usage.system) / 1000;
};

type ServerId = 'bare' | 'memory' | 'postgres';
type Operation = 'GET /orders/{id}' | 'POST /orders';
const OPERATIONS: ReadonlyArray<Operation> = ['GET /orders/{id}', 'POST /orders'];

/** One server under test, with what its workers need. */
interface Server {
  readonly id: ServerId;
  readonly label: string;
  readonly process: ServerProcess;
  readonly client: LoadClient;
  /** Customers, one per worker (ordo serve only). */
  readonly shoppers: ReadonlyArray<Shopper> | undefined;
  readonly adminToken: string | undefined;
  /** Orders placed by worker w's customer, for the GET phases. */
  readonly ordersOf: string[][];
}

/** One measured phase. */
interface Phase {
  readonly requests: number;
  readonly failed: number;
  readonly failures: Readonly<Record<string, number>>;
  readonly seconds: number;
  readonly requestsPerSecond: number;
  readonly p50Ms: number;
  readonly p99Ms: number;
  readonly serverCpuUsPerRequest: number | undefined;
  readonly clientCpuUsPerRequest: number;
  /** POST phases of ordo serve: seconds until every order placed was terminal, and how many completed. */
  readonly settleSeconds?: number;
  readonly completed?: number;
  /** Orders still open when the bench gave up waiting. */
  readonly open?: number;
  readonly histogram: Histogram;
}

/** Request bodies of `POST /orders`, serialized once (1 to 3 lines each). */
const BODIES: ReadonlyArray<string> = Array.from({ length: 256 }, (_, n) => {
  const lines = Array.from({ length: 1 + (n % 3) }, (_, i) => {
    const product = PRODUCTS[(n * 7 + i * 3) % PRODUCTS.length]!;
    return { sku: product.sku, quantity: 1 + ((n + i) % 3), unitPrice: product.price };
  });
  return JSON.stringify({ lines, currency: 'EUR', shippingAddress: loadAddress(n) });
});
/** Sent to the bare app too, so that the client does the same work for every server. */
const DUMMY_TOKEN = randomBytes(150).toString('base64url');

const openOrdo = async (id: 'memory' | 'postgres', databaseUrl: string | undefined): Promise<Server> => {
  const args = [
    '--port',
    '0',
    '--jwt-secret',
    JWT_SECRET,
    '--admin-email',
    ADMIN.email,
    '--admin-password',
    ADMIN.password,
    '--rate-limit',
    '1000000000',
    '--auth-rate-limit',
    '1000000',
    ...(databaseUrl === undefined ? [] : ['--store', 'postgres', '--database-url', databaseUrl]),
  ];
  const nodeFlags = CPU_PROF === undefined ? [] : ['--cpu-prof', `--cpu-prof-dir=${CPU_PROF}`];
  const server = await startOrdoServe(args, nodeFlags);
  const client = createLoadClient({ baseUrl: server.url, timeoutMs: 30_000 });
  const runId = randomBytes(4).toString('hex');
  const onWait = (seconds: number) => log(`  ${id}: rate limited, waiting ${seconds} s`);
  const adminToken = await logIn(client, ADMIN.email, ADMIN.password, onWait, 'admin');
  await seedProducts(client, adminToken, PRODUCTS, 1_000_000_000, runId, onWait);
  const shoppers = await registerShoppers(client, { count: CONCURRENCY, runId, parallel: 8 }, onWait);
  return {
    id,
    label: id === 'memory' ? 'ordo serve, memory' : 'ordo serve, PostgreSQL',
    process: server,
    client,
    shoppers,
    adminToken,
    ordersOf: Array.from({ length: CONCURRENCY }, () => []),
  };
};

const openBare = async (): Promise<Server> => {
  const server = await startBareFastify();
  return {
    id: 'bare',
    label: 'bare Fastify 5',
    process: server,
    client: createLoadClient({ baseUrl: server.url, timeoutMs: 30_000 }),
    shoppers: undefined,
    adminToken: undefined,
    ordersOf: Array.from({ length: CONCURRENCY }, (_, w) => Array.from({ length: 64 }, (_, i) => `o-bare-${w}-${i}`)),
  };
};

/** Waits until every order in `orderIds` is terminal (read as the admin, not measured). */
const settle = async (server: Server, orderIds: ReadonlyArray<string>) => {
  const reader = createLoadClient({ baseUrl: server.process.url, timeoutMs: 30_000 });
  const deadline = performance.now() + SETTLE_TIMEOUT_MS;
  let open = [...orderIds];
  let completed = 0;
  while (open.length > 0) {
    if (performance.now() > deadline) {
      log(`  ${server.label}: ${open.length} orders still open after ${SETTLE_TIMEOUT_MS / 1000} s; going on`);
      break;
    }
    const still: string[] = [];
    let next = 0;
    const work = async () => {
      while (next < open.length) {
        const orderId = open[next++]!;
        const r = await reader.request('settle', 'GET', `/orders/${encodeURIComponent(orderId)}`, {
          ...(server.adminToken === undefined ? {} : { token: server.adminToken }),
        });
        const view = orderViewOf(r.body);
        if (view !== undefined && TERMINAL_STATUSES.has(view.status)) {
          if (view.status === 'completed') completed += 1;
        } else still.push(orderId);
      }
    };
    await Promise.all(Array.from({ length: 8 }, () => work()));
    open = still;
    if (open.length > 0) await sleep(250);
  }
  return { completed, open: open.length };
};

let phaseCounter = 0;

/** One phase of `operation` on `server` for `seconds`. */
const runPhase = async (server: Server, operation: Operation, seconds: number): Promise<Phase> => {
  const phase = phaseCounter++;
  const { client, shoppers } = server;
  client.reset();
  const placed: string[] = [];
  const tokenOf = (w: number) => shoppers?.[w]?.token ?? DUMMY_TOKEN;
  const serverCpuBefore = server.process.cpuMs();
  const clientCpuBefore = clientCpuMs();
  const result = await drive({
    concurrency: CONCURRENCY,
    durationMs: seconds * 1000,
    step: async (n, w) => {
      if (operation === 'GET /orders/{id}') {
        const ids = server.ordersOf[w]!;
        const id = ids[n % ids.length]!;
        await client.request(operation, 'GET', `/orders/${encodeURIComponent(id)}`, { token: tokenOf(w) });
        return;
      }
      const r = await client.request(operation, 'POST', '/orders', {
        rawBody: BODIES[n % BODIES.length]!,
        token: tokenOf(w),
        headers: { 'idempotency-key': `bench-${phase}-${n}` },
      });
      const view = orderViewOf(r.body);
      if (r.status === 201 && view !== undefined && server.id !== 'bare') {
        placed.push(view.orderId);
        server.ordersOf[w]!.push(view.orderId);
      }
    },
  });
  const clientCpu = clientCpuMs() - clientCpuBefore;
  const serverCpuAfter = server.process.cpuMs();
  const stats = client.stats().get(operation);
  const histogram = createHistogram();
  if (stats !== undefined) histogram.merge(stats.histogram);
  const failures = Object.fromEntries(stats?.failures ?? []);
  const failed = Object.values(failures).reduce((a, b) => a + b, 0);
  const requests = histogram.count;
  const secondsTaken = result.elapsedMs / 1000;
  const base = {
    requests,
    failed,
    failures,
    seconds: round3(secondsTaken),
    requestsPerSecond: round1(requests / secondsTaken),
    p50Ms: round2(histogram.quantile(0.5)),
    p99Ms: round2(histogram.quantile(0.99)),
    serverCpuUsPerRequest:
      serverCpuBefore === undefined || serverCpuAfter === undefined
        ? undefined
        : Math.round(((serverCpuAfter - serverCpuBefore) * 1000) / Math.max(1, requests + failed)),
    clientCpuUsPerRequest: Math.round((clientCpu * 1000) / Math.max(1, requests + failed)),
    histogram,
  };
  if (operation !== 'POST /orders' || server.id === 'bare') return base;
  const settleStarted = performance.now();
  const { completed, open } = await settle(server, placed);
  return { ...base, settleSeconds: round1((performance.now() - settleStarted) / 1000), completed, open };
};

const range = (values: ReadonlyArray<number>): readonly [number, number] => [Math.min(...values), Math.max(...values)];
const median = (values: ReadonlyArray<number>): number => {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
};

interface Row {
  readonly server: ServerId;
  readonly label: string;
  readonly operation: Operation;
  readonly requestsPerSecond: number;
  readonly requestsPerSecondRange: readonly [number, number];
  readonly p50Ms: number;
  readonly p99Ms: number;
  readonly p99MsRange: readonly [number, number];
  readonly failed: number;
  readonly serverCpuUsPerRequest: number | undefined;
  readonly clientCpuUsPerRequest: number;
  /** This server's requests/s over the bare app's, per round: the median of the rounds, and their range. */
  readonly overBare: number | undefined;
  readonly overBareRange: readonly [number, number] | undefined;
  /** The bare app's server CPU per request over this server's (medians): the ratio if the client cost nothing. */
  readonly cpuOverBare: number | undefined;
  readonly target: { readonly text: string; readonly met: boolean } | undefined;
  readonly rounds: ReadonlyArray<Omit<Phase, 'histogram'>>;
}

const summarise = (
  server: Server,
  operation: Operation,
  phases: ReadonlyArray<Phase>,
  bare: ReadonlyArray<Phase> | undefined,
): Row => {
  const histogram = createHistogram();
  for (const p of phases) histogram.merge(p.histogram);
  const requests = phases.reduce((n, p) => n + p.requests, 0);
  const seconds = phases.reduce((n, p) => n + p.seconds, 0);
  const ratios =
    bare === undefined || server.id === 'bare'
      ? undefined
      : phases.map((p, i) => p.requestsPerSecond / (bare[i]?.requestsPerSecond ?? NaN));
  const overBare = ratios === undefined ? undefined : round3(median(ratios));
  const goal =
    server.id === 'bare'
      ? undefined
      : operation === 'GET /orders/{id}'
        ? TARGET_GET
        : server.id === 'memory'
          ? TARGET_POST_MEMORY
          : undefined;
  const cpu = phases.map((p) => p.serverCpuUsPerRequest);
  const serverCpu = cpu.some((c) => c === undefined) ? undefined : Math.round(median(cpu.map((c) => c ?? 0)));
  const bareCpu = bare?.map((p) => p.serverCpuUsPerRequest);
  const bareServerCpu =
    bareCpu === undefined || bareCpu.some((c) => c === undefined) ? undefined : median(bareCpu.map((c) => c ?? 0));
  return {
    server: server.id,
    label: server.label,
    operation,
    requestsPerSecond: round1(requests / seconds),
    requestsPerSecondRange: range(phases.map((p) => p.requestsPerSecond)),
    p50Ms: round2(histogram.quantile(0.5)),
    p99Ms: round2(histogram.quantile(0.99)),
    p99MsRange: range(phases.map((p) => p.p99Ms)),
    failed: phases.reduce((n, p) => n + p.failed, 0),
    serverCpuUsPerRequest: serverCpu,
    clientCpuUsPerRequest: Math.round(median(phases.map((p) => p.clientCpuUsPerRequest))),
    overBare,
    overBareRange: ratios === undefined ? undefined : [round3(Math.min(...ratios)), round3(Math.max(...ratios))],
    cpuOverBare:
      server.id === 'bare' || serverCpu === undefined || bareServerCpu === undefined
        ? undefined
        : round3(bareServerCpu / serverCpu),
    target:
      goal === undefined ? undefined : { text: `>= ${goal}x bare`, met: overBare !== undefined && overBare >= goal },
    rounds: phases.map(({ histogram: _histogram, ...rest }) => rest),
  };
};

const fmt = (n: number) => (n >= 100 ? Math.round(n).toLocaleString('en-US') : n.toFixed(n >= 10 ? 1 : 2));

const printTable = (rows: ReadonlyArray<Row>) => {
  const header = [
    'server',
    'operation',
    'requests/s (rounds)',
    'p50 ms',
    'p99 ms (rounds)',
    'failed',
    'server CPU µs/req',
    'client CPU µs/req',
    'x bare (rounds)',
    'x bare by server CPU',
    'target',
    'met?',
  ];
  const cells = rows.map((r) => [
    r.label,
    r.operation,
    `${fmt(r.requestsPerSecond)} (${fmt(r.requestsPerSecondRange[0])}-${fmt(r.requestsPerSecondRange[1])})`,
    fmt(r.p50Ms),
    `${fmt(r.p99Ms)} (${fmt(r.p99MsRange[0])}-${fmt(r.p99MsRange[1])})`,
    String(r.failed),
    r.serverCpuUsPerRequest === undefined ? '-' : String(r.serverCpuUsPerRequest),
    String(r.clientCpuUsPerRequest),
    r.overBare === undefined || r.overBareRange === undefined
      ? '-'
      : `${r.overBare.toFixed(2)} (${r.overBareRange[0].toFixed(2)}-${r.overBareRange[1].toFixed(2)})`,
    r.cpuOverBare === undefined ? '-' : r.cpuOverBare.toFixed(2),
    r.target?.text ?? '-',
    r.target === undefined ? '-' : r.target.met ? 'met' : 'MISSED',
  ]);
  const widths = header.map((h, i) => Math.max(h.length, ...cells.map((c) => c[i]!.length)));
  const line = (c: ReadonlyArray<string>) => `| ${c.map((x, i) => x.padEnd(widths[i]!)).join(' | ')} |`;
  console.log(`\n${line(header)}\n|${widths.map((w) => '-'.repeat(w + 2)).join('|')}|`);
  for (const c of cells) console.log(line(c));
};

const NOTES = [
  `Client: this process, ordo load's client (Node ${process.version} fetch, keep-alive) and driver, ${CONCURRENCY} closed-loop workers; every server is a child Node process started the same way (tsx, ordo-source), so the client and the server share the machine's cores.`,
  "requests/s: 2xx answers of a phase / its length; the range is the lowest and highest round. p50 / p99: client-side, request to end of body, 2xx only, pooled over the rounds (the p99 range is per round). x bare: requests/s over the bare app's for the same operation, per round (the servers take turns within a round, in an order that rotates), median and range.",
  "Server CPU µs/req: user + system CPU of the server process (/proc) during the phase / requests; client CPU µs/req: the same for this process. x bare by server CPU: the bare app's server CPU per request over this server's (medians), what the ratio would be with a client that cost nothing; the targets are judged on x bare (requests/s). With ordo serve, the server CPU of POST /orders includes the fulfilment work that runs in the same process while the phase lasts (saga, payments, shipping, projections), not what is left after it.",
  "ordo serve: the CLI's serve (all roles in one process, in-memory messaging), rate limits raised out of the way (--rate-limit 1e9, --auth-rate-limit 1e6; the plugin still runs), bootstrap admin, 8 products seeded, one customer per worker registered and logged in through the API. GET reads the worker's customer's own orders round-robin (one stream read each); POST places 1-3 line orders with a fresh Idempotency-Key each, so every answer is remembered by the idempotency store. After each POST phase the bench waits until every order placed is completed or cancelled (settle s in the rounds) before the next phase.",
  'Bare Fastify 5: GET /orders/:orderId answering a fixed order-shaped JSON (about the size of an ordo order view) and POST /orders parsing the same bodies and answering a similar one; no auth (the client sends the same Authorization and Idempotency-Key headers anyway), no rate limit, no store.',
  "PostgreSQL: embedded (scripts/postgres/server.mjs, fsync on) unless DATABASE_URL is set; one fresh database; the host's default pool.",
];

const main = async () => {
  const began = Date.now();
  const wanted = (id: ServerId) => ONLY.length === 0 || ONLY.includes(id);
  const loadBefore = os.loadavg();
  const pgServer = wanted('postgres') ? await ensurePostgres() : undefined;
  const dbName = uniqueDatabaseName('http_bench');
  const databaseUrl = pgServer === undefined ? undefined : await createDatabase(pgServer.url, dbName);
  const servers: Server[] = [];
  let rows: Row[] = [];
  let pgInfo: { version: string; fsync: string } | undefined;
  try {
    log(`http bench: ${CONCURRENCY} workers, ${ROUNDS} rounds of ${PHASE_SECONDS} s phases, ${os.cpus().length} CPUs`);
    if (wanted('bare')) servers.push(await openBare());
    if (wanted('memory')) servers.push(await openOrdo('memory', undefined));
    if (databaseUrl !== undefined) {
      servers.push(await openOrdo('postgres', databaseUrl));
      pgInfo = await postgresInfo(databaseUrl);
    }
    log(
      `servers up: ${servers.map((s) => s.label).join(', ')}; warm-up round (${WARMUP_SECONDS} s phases, not counted)`,
    );
    for (const server of servers) {
      const post = await runPhase(
        server,
        'POST /orders',
        server.id === 'postgres' ? Math.min(WARMUP_SECONDS, POSTGRES_POST_SECONDS) : WARMUP_SECONDS,
      );
      const get = await runPhase(server, 'GET /orders/{id}', WARMUP_SECONDS);
      log(`  ${server.label}: warm-up POST ${post.requestsPerSecond}/s, GET ${get.requestsPerSecond}/s`);
    }
    const phases = new Map<string, Phase[]>();
    for (let r = 0; r < ROUNDS; r++) {
      const order = servers.map((_, i) => servers[(i + r) % servers.length]!);
      for (const server of order) {
        for (const operation of OPERATIONS) {
          const seconds =
            operation === 'POST /orders' && server.id === 'postgres' ? POSTGRES_POST_SECONDS : PHASE_SECONDS;
          const phase = await runPhase(server, operation, seconds);
          const key = `${server.id} ${operation}`;
          phases.set(key, [...(phases.get(key) ?? []), phase]);
          log(
            `  round ${r + 1} ${server.label} ${operation}: ${phase.requestsPerSecond} req/s, p50 ${phase.p50Ms} ms, p99 ${phase.p99Ms} ms, ` +
              `server ${phase.serverCpuUsPerRequest ?? '-'} µs/req, client ${phase.clientCpuUsPerRequest} µs/req` +
              (phase.failed > 0 ? `, ${phase.failed} failed ${JSON.stringify(phase.failures)}` : '') +
              (phase.settleSeconds === undefined
                ? ''
                : `, settled in ${phase.settleSeconds} s (${phase.completed} completed)`),
          );
        }
      }
    }
    rows = servers.flatMap((server) =>
      OPERATIONS.map((operation) =>
        summarise(server, operation, phases.get(`${server.id} ${operation}`) ?? [], phases.get(`bare ${operation}`)),
      ),
    );
  } finally {
    for (const server of servers) await server.process.stop();
    if (pgServer !== undefined) {
      await dropDatabase(pgServer.url, dbName).catch(() => undefined);
      await pgServer.stop();
    }
  }

  const report = {
    benchmark: 'http',
    date: new Date().toISOString(),
    node: process.version,
    ...machineReport(loadBefore),
    postgres: postgresReport(pgServer, pgInfo),
    params: {
      concurrency: CONCURRENCY,
      rounds: ROUNDS,
      phaseSeconds: PHASE_SECONDS,
      warmUpPhaseSeconds: WARMUP_SECONDS,
      products: PRODUCTS.length,
      customers: CONCURRENCY,
    },
    targets: { getOverBare: TARGET_GET, postOrdersMemoryOverBare: TARGET_POST_MEMORY },
    units:
      'requestsPerSecond: 2xx answers / s; p50Ms / p99Ms: client-side latency, ms; serverCpuUsPerRequest / clientCpuUsPerRequest: CPU µs of the server process / of the client per request; overBare: requests/s over the bare Fastify route, median of the per-round ratios',
    notes: NOTES,
    results: rows,
    durationSec: Math.round((Date.now() - began) / 1000),
  };
  console.log(
    `\nHTTP: ${CONCURRENCY} workers, ${ROUNDS} rounds of ${PHASE_SECONDS} s per phase, ${report.machine.cpus} CPUs, ` +
      `PostgreSQL ${pgInfo?.version ?? '-'} (fsync ${pgInfo?.fsync ?? '-'}), ${report.durationSec} s`,
  );
  printTable(rows);
  console.log(`\n${NOTES.map((n) => `- ${n}`).join('\n')}`);
  const json = JSON.stringify(report, null, 2);
  console.log(`\n${json}`);
  if (ONLY.length === 0) {
    log(`wrote ${await writeBenchResults('http', json)}`);
  }
};

await main();
