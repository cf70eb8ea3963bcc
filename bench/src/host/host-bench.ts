/**
 * End-to-end host benchmark: orders per second and place -> terminal latency of the running
 * commerce host (`createHost`, `run: 'auto'`, real clock), on
 *   1. memory store + in-memory bus;
 *   2. PostgreSQL + in-memory bus;
 *   3. PostgreSQL + Kafka, one process (all roles), at peak and paced at half the peak rate;
 *   4. PostgreSQL + Kafka, two processes (parent: api, projections, relay; a child process:
 *      saga, payments, shipping, notifications, timers, relay), at peak and at half the peak.
 *
 *   npm run bench:host
 *   node --conditions=ordo-source --import tsx bench/src/host/host-bench.ts
 *
 * Each round starts a fresh system (a new database and new topics), opens a shop with more stock
 * than the round sells (approving test gateway, instant carrier), places N orders from C
 * concurrent placers (`host.execute(PlaceOrder)`), and hears each order's OrderCompleted /
 * OrderCancelled on the host's `order` topic through the host's own messaging (a subscription of
 * its own: the in-memory bus, or a Kafka consumer group). Throughput is orders over the time from
 * the first place to the last terminal event; latency is per order, place to terminal event.
 * After the round settles (outbox empty), the log (`readAll`) and the outbox are counted: events
 * and messages per order. Fresh systems per round, because the host's read models grow with every
 * order (see the notes): rounds on one system would each start from a bigger state.
 *
 * The ceiling: before every PostgreSQL round, C writers append one event each through
 * `createPostgresEventStore` (pool of 10, as the host's) for a while, in a database of their own on
 * the same server; ceiling ratio = orders/s x events per order / that append rate.
 *
 * The paced configurations place order i at i / rate s (open loop), the rate being half the peak
 * configuration's orders/s measured just before in the same run.
 *
 * Starts an embedded PostgreSQL (fsync on) unless DATABASE_URL is set, and the local Kafka broker
 * (scripts/kafka/broker.sh, left running if it ran before) unless KAFKA_BROKERS is set. Prints a
 * table and the JSON, which it writes to bench/results/host.json.
 *
 * Environment:
 * - HOST_BENCH_PLACERS (16): C, concurrent placers, and the ceiling's writers.
 * - HOST_BENCH_ROUNDS (3): measured rounds per configuration (after one warm-up round per backend).
 * - HOST_BENCH_ROUND_SECONDS (5): how long a measured round should take: N = the warm-up round's
 *   orders/s (paced: the pace) x this, at least 30 orders.
 * - HOST_BENCH_WARMUP_ORDERS_MEMORY (1000), HOST_BENCH_WARMUP_ORDERS_POSTGRES (40): N of the warm-up.
 * - HOST_BENCH_CEILING_SECONDS (1.5): length of each ceiling measurement.
 * - HOST_BENCH_POOL (10, the host's default): connections of each host's pool.
 * - HOST_BENCH_ONLY=memory,kafka-2: only the configurations a word names (a word that is an id,
 *   such as `memory`, names that one; another word names every id containing it; paced ones need
 *   their peak); the report is printed, not written.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import os from 'node:os';
import { performance } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';
import { createKafkaClient, defaultDeadLetterTopic, deleteTopics } from '@ordo/adapter-kafka';
import { createHost, type Host, type HostConfig, type HostRole, hostTopics } from '@ordo/host';
import pg from 'pg';
import { createDatabase, dropDatabase, ensurePostgres, uniqueDatabaseName } from '../../../scripts/postgres/server.mjs';
import { machineReport, postgresInfo, postgresReport, writeBenchResults } from '../shared/bench-output';
import { type Ceiling, openCeiling } from './ceiling';
import { benchPool } from './bench-pool';
import { countAll, perOrder, settle, sum } from './counts';
import { createGroupTimer, groupDelta, type GroupTimes } from './group-timing';
import type { ChildMessage, ChildSettings, ParentMessage } from './host-child';
import { openShop, placeRound, quantile, type RoundResult, SKUS, watchTerminal } from './workload';

const num = (name: string, fallback: number) => {
  const value = Number(process.env[name] ?? fallback);
  if (!Number.isFinite(value) || value <= 0) throw new Error(`${name} must be a positive number`);
  return value;
};
const PLACERS = Math.round(num('HOST_BENCH_PLACERS', 16));
const ROUNDS = Math.round(num('HOST_BENCH_ROUNDS', 3));
const ROUND_SECONDS = num('HOST_BENCH_ROUND_SECONDS', 5);
const WARMUP_MEMORY = Math.round(num('HOST_BENCH_WARMUP_ORDERS_MEMORY', 1000));
const WARMUP_POSTGRES = Math.round(num('HOST_BENCH_WARMUP_ORDERS_POSTGRES', 40));
const MIN_ORDERS = 30;
/** A round that has not ended this long (plus 200 ms per order) after its system started is stalled. */
const ROUND_DEADLINE_MS = 45_000;
const CEILING_SECONDS = num('HOST_BENCH_CEILING_SECONDS', 1.5);
/** Connections of each host's pool (HOST_BENCH_POOL); the host's default (10) when unset. */
const POOL = process.env.HOST_BENCH_POOL === undefined ? undefined : Math.round(num('HOST_BENCH_POOL', 10));
const ONLY = (process.env.HOST_BENCH_ONLY ?? '')
  .split(',')
  .map((w) => w.trim())
  .filter(Boolean);

const TARGET_MEMORY = 3_000;
const TARGET_CEILING_RATIO = 0.4;
const TARGET_P99_MS = 2_000;
const PARENT_ROLES: ReadonlyArray<HostRole> = ['api', 'projections', 'relay'];
const CHILD_ROLES: ReadonlyArray<HostRole> = ['saga', 'payments', 'shipping', 'notifications', 'timers', 'relay'];

const log = (line: string) => process.stderr.write(`${line}\n`);
const round2 = (x: number) => Math.round(x * 100) / 100;
const round3 = (x: number) => Math.round(x * 1000) / 1000;
const round1 = (x: number) => Math.round(x * 10) / 10;
const cpuMs = () => {
  const usage = process.cpuUsage();
  return (usage.user + usage.system) / 1000;
};

type Backend = 'memory' | 'pg-memory' | 'pg-kafka-1' | 'pg-kafka-2';

interface Configuration {
  readonly id: string;
  readonly label: string;
  readonly backend: Backend;
  /** Paced at half the orders/s of this configuration (measured before in the same run). */
  readonly halfOf?: string;
  readonly target?: { readonly text: string; readonly met: (s: Summary) => boolean };
}

const CONFIGURATIONS: ReadonlyArray<Configuration> = [
  {
    id: 'memory',
    label: 'memory + memory bus',
    backend: 'memory',
    target: {
      text: `>= ${TARGET_MEMORY.toLocaleString('en-US')} orders/s`,
      met: (s) => s.ordersPerSecond >= TARGET_MEMORY,
    },
  },
  { id: 'pg-memory', label: 'PostgreSQL + memory bus', backend: 'pg-memory' },
  {
    id: 'pg-kafka-1',
    label: 'PostgreSQL + Kafka, 1 process',
    backend: 'pg-kafka-1',
    target: {
      text: `ceiling ratio >= ${TARGET_CEILING_RATIO}`,
      met: (s) => (s.ceilingRatio ?? 0) >= TARGET_CEILING_RATIO,
    },
  },
  {
    id: 'pg-kafka-1-half',
    label: 'PostgreSQL + Kafka, 1 process, half peak',
    backend: 'pg-kafka-1',
    halfOf: 'pg-kafka-1',
    target: { text: `p99 < ${TARGET_P99_MS} ms`, met: (s) => s.p99Ms < TARGET_P99_MS },
  },
  {
    id: 'pg-kafka-2',
    label: 'PostgreSQL + Kafka, 2 processes',
    backend: 'pg-kafka-2',
    target: {
      text: `ceiling ratio >= ${TARGET_CEILING_RATIO}`,
      met: (s) => (s.ceilingRatio ?? 0) >= TARGET_CEILING_RATIO,
    },
  },
  {
    id: 'pg-kafka-2-half',
    label: 'PostgreSQL + Kafka, 2 processes, half peak',
    backend: 'pg-kafka-2',
    halfOf: 'pg-kafka-2',
    target: { text: `p99 < ${TARGET_P99_MS} ms`, met: (s) => s.p99Ms < TARGET_P99_MS },
  },
];

interface Round {
  readonly orders: number;
  readonly completed: number;
  readonly cancelled: number;
  readonly seconds: number;
  readonly ordersPerSecond: number;
  readonly p50Ms: number;
  readonly p99Ms: number;
  readonly placeP50Ms: number;
  readonly placeP99Ms: number;
  readonly eventsPerOrder: number;
  readonly messagesPerOrder: number;
  readonly eventsByType: Readonly<Record<string, number>>;
  readonly messagesByTopic: Readonly<Record<string, number>>;
  readonly ceilingEventsPerSecond: number | undefined;
  readonly ceilingRatio: number | undefined;
  /** CPU of this process (and the child) per order, ms. */
  readonly cpuMsPerOrder: { readonly parent: number; readonly child?: number };
  /**
   * Per consumer group (`child:` in the child process): messages handled per order, handler time
   * per message (ms), and the share of the round its handler was running.
   */
  readonly groups: Readonly<
    Record<string, { readonly perOrder: number; readonly msPerMessage: number; readonly busyShare: number }>
  >;
  /** Terminal events heard again for an order already ended (at-least-once delivery). */
  readonly duplicateTerminals: number;
  readonly setupSeconds: number;
}

interface Summary {
  readonly id: string;
  readonly label: string;
  readonly ordersPerRound: number;
  readonly placers: number;
  readonly pacedOrdersPerSecond: number | undefined;
  /** All rounds' orders over all rounds' seconds. */
  readonly ordersPerSecond: number;
  readonly ordersPerSecondRange: readonly [number, number];
  /** Over every order of every round. */
  readonly p50Ms: number;
  readonly p99Ms: number;
  readonly p99MsRange: readonly [number, number];
  readonly eventsPerOrder: number;
  readonly messagesPerOrder: number;
  readonly ceilingEventsPerSecond: number | undefined;
  /** ordersPerSecond x eventsPerOrder / mean ceiling. */
  readonly ceilingRatio: number | undefined;
  readonly ceilingRatioRange: readonly [number, number] | undefined;
  readonly target: { readonly text: string; readonly met: boolean } | undefined;
  /** The consumer group busy for the largest share of the rounds (mean over rounds). */
  readonly busiestGroup:
    | { readonly group: string; readonly busyShare: number; readonly msPerMessage: number; readonly perOrder: number }
    | undefined;
  readonly rounds: ReadonlyArray<Round>;
}

/** A configuration whose system stopped making progress (no figures: see `stalled`). */
interface StalledRun {
  readonly id: string;
  readonly label: string;
  readonly stalled: string;
}

const isStalled = (outcome: Summary | StalledRun): outcome is StalledRun => 'stalled' in outcome;

/** The child process of the two-process configuration, spoken to over IPC. */
interface Child {
  request(message: ParentMessage): Promise<ChildMessage>;
  close(): Promise<void>;
}

const startChild = (): Child => {
  const entry = fileURLToPath(new URL('./host-child.ts', import.meta.url));
  const child: ChildProcess = spawn(process.execPath, ['--conditions=ordo-source', '--import', 'tsx', entry], {
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
  });
  let waiting: ((message: ChildMessage) => void) | undefined;
  let exited = false;
  child.on('message', (message: ChildMessage) => {
    const resolve = waiting;
    waiting = undefined;
    resolve?.(message);
  });
  const gone = new Promise<void>((resolve) =>
    child.on('exit', () => {
      exited = true;
      waiting?.({ type: 'failed', error: 'the child process exited' });
      resolve();
    }),
  );
  return {
    request: (message) =>
      new Promise<ChildMessage>((resolve) => {
        if (exited) {
          resolve({ type: 'failed', error: 'the child process exited' });
          return;
        }
        waiting = resolve;
        child.send(message);
      }),
    close: async () => {
      if (!exited) child.send({ type: 'exit' } satisfies ParentMessage);
      const timer = setTimeout(() => child.kill('SIGKILL'), 15_000);
      await gone;
      clearTimeout(timer);
    },
  };
};

interface Environment {
  readonly serverUrl: string | undefined;
  readonly brokers: ReadonlyArray<string> | undefined;
  readonly ceiling: Ceiling | undefined;
  child: Child | undefined;
}

/** What the processes of a system used so far: CPU ms and handler time per consumer group. */
interface Usage {
  readonly parentCpuMs: number;
  readonly childCpuMs: number | undefined;
  readonly groups: GroupTimes;
}

/** One fresh system of `backend`: the host(s), and how to take it down again. */
interface System {
  readonly host: Host;
  readonly databaseUrl: string | undefined;
  usage(): Promise<Usage>;
  stop(): Promise<void>;
}

let systemCounter = 0;

const openSystem = async (backend: Backend, env: Environment): Promise<System> => {
  const n = systemCounter++;
  const timer = createGroupTimer();
  const simulation = { wrapConsumer: timer.wrapConsumer };
  if (backend === 'memory') {
    const host = await createHost({ run: 'auto', simulation });
    return {
      host,
      databaseUrl: undefined,
      usage: async () => ({ parentCpuMs: cpuMs(), childCpuMs: undefined, groups: timer.snapshot() }),
      stop: async () => void (await host.stop()),
    };
  }
  if (env.serverUrl === undefined) throw new Error('no PostgreSQL server');
  const serverUrl = env.serverUrl;
  const dbName = uniqueDatabaseName('host_bench');
  const databaseUrl = await createDatabase(serverUrl, dbName);
  const pool = benchPool(databaseUrl, POOL ?? 10);
  const kafka = backend !== 'pg-memory';
  const topicPrefix = `bench-host-${randomUUID().slice(0, 8)}.`;
  const brokers = env.brokers ?? [];
  const config: HostConfig = {
    run: 'auto',
    store: { kind: 'postgres', pool },
    messaging: kafka ? { kind: 'kafka', brokers, topicPrefix } : 'memory',
    instanceId: `bench-host-${n}`,
    ...(backend === 'pg-kafka-2' ? { roles: PARENT_ROLES } : {}),
    simulation,
  };
  const host = await createHost(config);
  if (backend === 'pg-kafka-2') {
    env.child ??= startChild();
    const settings: ChildSettings = {
      databaseUrl,
      brokers,
      topicPrefix,
      instanceId: `bench-child-${n}`,
      roles: CHILD_ROLES,
      ...(POOL === undefined ? {} : { maxConnections: POOL }),
    };
    const answer = await env.child.request({ type: 'start', settings });
    if (answer.type !== 'ready') {
      await host.stop();
      throw new Error(`the child host did not start: ${answer.type === 'failed' ? answer.error : answer.type}`);
    }
  }
  return {
    host,
    databaseUrl,
    usage: async () => {
      const parent = { parentCpuMs: cpuMs(), groups: timer.snapshot() };
      if (backend !== 'pg-kafka-2' || env.child === undefined) return { ...parent, childCpuMs: undefined };
      const answer = await env.child.request({ type: 'timings' });
      if (answer.type !== 'timings') throw new Error(`the child did not answer its timings: ${answer.type}`);
      const child = Object.fromEntries(Object.entries(answer.groups).map(([g, t]) => [`child:${g}`, t]));
      return { ...parent, childCpuMs: answer.cpuMs, groups: { ...parent.groups, ...child } };
    },
    stop: async () => {
      if (backend === 'pg-kafka-2' && env.child !== undefined) await env.child.request({ type: 'stop' });
      await host.stop({ deadlineMs: 10_000 });
      await bounded(pool.end(), 5_000, 'ending the pool').catch(() => undefined);
      await dropDatabase(serverUrl, dbName);
      if (kafka) {
        const client = createKafkaClient({ brokers: [...brokers], clientId: 'ordo-host-bench', logLevel: 'error' });
        const topics = hostTopics(topicPrefix).all;
        await deleteTopics(client, [...topics, ...topics.map((t) => defaultDeadLetterTopic(t))]).catch(() => undefined);
      }
    },
  };
};

/** One round: a fresh system, the shop, N orders, counts; the ceiling first on PostgreSQL. */
const runRound = async (
  backend: Backend,
  env: Environment,
  options: { readonly prefix: string; readonly orders: number; readonly ratePerSecond?: number },
): Promise<{ readonly round: Round; readonly result: RoundResult }> => {
  const ceiling = backend === 'memory' ? undefined : await env.ceiling?.measure(CEILING_SECONDS);
  const setupStarted = performance.now();
  const system = await openSystem(backend, env);
  const { host, databaseUrl } = system;
  let timer: ReturnType<typeof setTimeout> | undefined;
  const deadlineMs = ROUND_DEADLINE_MS + options.orders * 200;
  const stalled = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new StallError(deadlineMs)), deadlineMs);
  });
  const measured = (async () => {
    await openShop(host);
    const watcher = await watchTerminal(host);
    // One order through the whole path first: every consumer group on it has joined (Kafka
    // joins in the background), so the round does not time the joins. Counted in the baseline.
    await placeRound(host, watcher, { prefix: `${options.prefix}-probe`, orders: 1, placers: 1, timeoutMs: 120_000 });
    await settle(host);
    const before = await countAll(host, databaseUrl);
    const setupSeconds = (performance.now() - setupStarted) / 1000;
    const usageBefore = await system.usage();
    const result = await placeRound(host, watcher, {
      prefix: options.prefix,
      orders: options.orders,
      placers: PLACERS,
      ...(options.ratePerSecond === undefined ? {} : { ratePerSecond: options.ratePerSecond }),
      timeoutMs: Math.max(120_000, options.orders * 100),
    });
    const usageAfter = await system.usage();
    await settle(host);
    const after = await countAll(host, databaseUrl);
    const duplicateTerminals = watcher.duplicates();
    await watcher.stop();
    await bounded(system.stop(), 60_000, 'stopping the system');
    const parentCpu = usageAfter.parentCpuMs - usageBefore.parentCpuMs;
    const childCpuMs =
      usageAfter.childCpuMs === undefined ? undefined : usageAfter.childCpuMs - (usageBefore.childCpuMs ?? 0);
    const groups = Object.fromEntries(
      Object.entries(groupDelta(usageBefore.groups, usageAfter.groups))
        .filter(([, t]) => t.messages > 0)
        .sort(([, a], [, b]) => b.busyMs - a.busyMs)
        .map(([group, t]) => [
          group,
          {
            perOrder: round2(t.messages / result.orders),
            msPerMessage: round2(t.busyMs / t.messages),
            busyShare: round2(t.busyMs / 1000 / result.seconds),
          },
        ]),
    );
    const eventsByType = perOrder(before.events, after.events, result.orders);
    const messagesByTopic = perOrder(before.messages, after.messages, result.orders);
    const eventsPerOrder = sum(eventsByType);
    return {
      result,
      round: {
        orders: result.orders,
        completed: result.completed,
        cancelled: result.cancelled,
        seconds: round3(result.seconds),
        ordersPerSecond: round1(result.orders / round3(result.seconds)),
        p50Ms: round1(quantile(result.latenciesMs, 0.5)),
        p99Ms: round1(quantile(result.latenciesMs, 0.99)),
        placeP50Ms: round1(quantile(result.placeMs, 0.5)),
        placeP99Ms: round1(quantile(result.placeMs, 0.99)),
        eventsPerOrder: round2(eventsPerOrder),
        messagesPerOrder: round2(sum(messagesByTopic)),
        eventsByType: Object.fromEntries(Object.entries(eventsByType).map(([k, v]) => [k, round2(v)])),
        messagesByTopic: Object.fromEntries(Object.entries(messagesByTopic).map(([k, v]) => [k, round2(v)])),
        ceilingEventsPerSecond: ceiling === undefined ? undefined : Math.round(ceiling),
        ceilingRatio: ceiling === undefined ? undefined : round3((result.ordersPerSecond * eventsPerOrder) / ceiling),
        cpuMsPerOrder: {
          parent: round2(parentCpu / result.orders),
          ...(childCpuMs === undefined ? {} : { child: round2(childCpuMs / result.orders) }),
        },
        groups,
        duplicateTerminals,
        setupSeconds: round2(setupSeconds),
      },
    };
  })();
  // After a stall, what is left of the round may still fail as the system goes down: not news.
  measured.catch(() => undefined);
  try {
    return await Promise.race([measured, stalled]);
  } catch (error) {
    if (error instanceof StallError && databaseUrl !== undefined) {
      error.diagnosis = await diagnose(databaseUrl).catch((e: unknown) => `no diagnosis: ${String(e)}`);
    }
    await bounded(system.stop(), 30_000, 'stopping the system').catch(() => undefined);
    throw error;
  } finally {
    clearTimeout(timer);
  }
};

/** A round that did not end within its deadline: the host stopped making progress. */
class StallError extends Error {
  diagnosis = '';
  constructor(readonly deadlineMs: number) {
    super(`the round did not end within ${deadlineMs} ms`);
    this.name = 'StallError';
  }
}

/** What the database's sessions were doing: a stuck pool shows as every connection idle in a transaction. */
const diagnose = async (url: string): Promise<string> => {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    const { rows } = await client.query<{ state: string | null; query: string; n: string }>(
      `SELECT state, regexp_replace(left(query, 90), '\\s+', ' ', 'g') AS query, count(*) AS n
         FROM pg_stat_activity WHERE datname = current_database() AND pid <> pg_backend_pid()
        GROUP BY 1, 2 ORDER BY 3 DESC`,
    );
    return rows.map((r) => `${r.n} x ${r.state ?? '?'}: ${r.query}`).join('; ');
  } finally {
    await client.end();
  }
};

const bounded = <T>(work: Promise<T>, ms: number, what: string): Promise<T> => {
  let timer: ReturnType<typeof setTimeout> | undefined;
  return Promise.race([
    work,
    new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new Error(`${what} took over ${ms} ms`)), ms);
    }),
  ]).finally(() => clearTimeout(timer));
};

const range = (values: ReadonlyArray<number>): readonly [number, number] => [Math.min(...values), Math.max(...values)];

const runConfiguration = async (
  configuration: Configuration,
  env: Environment,
  peak: ReadonlyMap<string, Summary>,
  warmed: Map<Backend, number>,
): Promise<Summary> => {
  const peakSummary = configuration.halfOf === undefined ? undefined : peak.get(configuration.halfOf);
  if (configuration.halfOf !== undefined && peakSummary === undefined) {
    throw new Error(`${configuration.id} is paced at half of ${configuration.halfOf}, which did not run`);
  }
  const rate = peakSummary === undefined ? undefined : peakSummary.ordersPerSecond / 2;
  const paced = rate === undefined ? {} : { ratePerSecond: rate };
  if (!warmed.has(configuration.backend)) {
    const warmUpOrders = configuration.backend === 'memory' ? WARMUP_MEMORY : WARMUP_POSTGRES;
    log(`${configuration.label}: warm-up round of ${warmUpOrders} orders (not counted)...`);
    const { round } = await runRound(configuration.backend, env, {
      prefix: `w-${configuration.id}`,
      orders: warmUpOrders,
      ...paced,
    });
    log(`  warm-up: ${round.ordersPerSecond} orders/s, p99 ${round.p99Ms} ms, setup ${round.setupSeconds} s`);
    warmed.set(configuration.backend, round.ordersPerSecond);
  }
  const orders = Math.max(MIN_ORDERS, Math.round((rate ?? warmed.get(configuration.backend)!) * ROUND_SECONDS));
  const rounds: Round[] = [];
  const latencies: number[] = [];
  for (let r = 0; r < ROUNDS; r++) {
    const { round, result } = await runRound(configuration.backend, env, {
      prefix: `${configuration.id}-${r}`,
      orders,
      ...paced,
    });
    rounds.push(round);
    latencies.push(...result.latenciesMs);
    log(
      `  ${configuration.label} round ${r + 1}: ${round.ordersPerSecond} orders/s, p50 ${round.p50Ms} ms, p99 ${round.p99Ms} ms, ` +
        `${round.completed} completed / ${round.cancelled} cancelled, ${round.eventsPerOrder} events and ${round.messagesPerOrder} messages per order` +
        (round.ceilingEventsPerSecond === undefined
          ? ''
          : `, ceiling ${round.ceilingEventsPerSecond} events/s, ratio ${round.ceilingRatio}`),
    );
  }
  latencies.sort((a, b) => a - b);
  const totalOrders = rounds.reduce((n, r) => n + r.orders, 0);
  const totalSeconds = rounds.reduce((n, r) => n + r.seconds, 0);
  const ordersPerSecond = totalOrders / totalSeconds;
  const eventsPerOrder = rounds.reduce((n, r) => n + r.eventsPerOrder * r.orders, 0) / totalOrders;
  const messagesPerOrder = rounds.reduce((n, r) => n + r.messagesPerOrder * r.orders, 0) / totalOrders;
  const ceilings = rounds.flatMap((r) => (r.ceilingEventsPerSecond === undefined ? [] : [r.ceilingEventsPerSecond]));
  const ceiling = ceilings.length === 0 ? undefined : ceilings.reduce((a, b) => a + b, 0) / ceilings.length;
  const ratios = rounds.flatMap((r) => (r.ceilingRatio === undefined ? [] : [r.ceilingRatio]));
  const mean = (values: ReadonlyArray<number>) => values.reduce((a, b) => a + b, 0) / Math.max(values.length, 1);
  const busiest = [...new Set(rounds.flatMap((r) => Object.keys(r.groups)))]
    .map((group) => {
      const of = (field: 'busyShare' | 'msPerMessage' | 'perOrder') =>
        round2(mean(rounds.map((r) => r.groups[group]?.[field] ?? 0)));
      return { group, busyShare: of('busyShare'), msPerMessage: of('msPerMessage'), perOrder: of('perOrder') };
    })
    .sort((a, b) => b.busyShare - a.busyShare)[0];
  const base = {
    id: configuration.id,
    label: configuration.label,
    ordersPerRound: orders,
    placers: PLACERS,
    pacedOrdersPerSecond: rate === undefined ? undefined : round1(rate),
    ordersPerSecond: round1(ordersPerSecond),
    ordersPerSecondRange: range(rounds.map((r) => r.ordersPerSecond)),
    p50Ms: round1(quantile(latencies, 0.5)),
    p99Ms: round1(quantile(latencies, 0.99)),
    p99MsRange: range(rounds.map((r) => r.p99Ms)),
    eventsPerOrder: round2(eventsPerOrder),
    messagesPerOrder: round2(messagesPerOrder),
    ceilingEventsPerSecond: ceiling === undefined ? undefined : Math.round(ceiling),
    ceilingRatio: ceiling === undefined ? undefined : round3((ordersPerSecond * eventsPerOrder) / ceiling),
    ceilingRatioRange: ratios.length === 0 ? undefined : range(ratios),
    target: undefined,
    busiestGroup: busiest,
    rounds,
  };
  return {
    ...base,
    target:
      configuration.target === undefined
        ? undefined
        : { text: configuration.target.text, met: configuration.target.met(base) },
  };
};

const fmt = (n: number) => (n >= 100 ? Math.round(n).toLocaleString('en-US') : n.toFixed(n >= 10 ? 1 : 2));

const ratioText = (r: number) => r.toFixed(r < 0.1 ? 3 : 2);

const printTable = (outcomes: ReadonlyArray<Summary | StalledRun>) => {
  const header = [
    'configuration',
    'orders x rounds',
    'orders/s (rounds)',
    'p50 / p99 ms (p99 rounds)',
    'events/order',
    'msgs/order',
    'ceiling ev/s',
    'ceiling ratio (rounds)',
    'target',
    'met?',
    'busiest group: busy share, ms/msg',
  ];
  const rows = outcomes.map((s) =>
    isStalled(s)
      ? [
          s.label,
          '-',
          'STALLED',
          '-',
          '-',
          '-',
          '-',
          '-',
          CONFIGURATIONS.find((c) => c.id === s.id)?.target?.text ?? '-',
          'MISSED (stalled)',
          '-',
        ]
      : [
          s.pacedOrdersPerSecond === undefined ? s.label : `${s.label} (${fmt(s.pacedOrdersPerSecond)}/s)`,
          `${s.ordersPerRound} x ${s.rounds.length}`,
          `${fmt(s.ordersPerSecond)} (${fmt(s.ordersPerSecondRange[0])}-${fmt(s.ordersPerSecondRange[1])})`,
          `${fmt(s.p50Ms)} / ${fmt(s.p99Ms)} (${fmt(s.p99MsRange[0])}-${fmt(s.p99MsRange[1])})`,
          s.eventsPerOrder.toFixed(1),
          s.messagesPerOrder.toFixed(1),
          s.ceilingEventsPerSecond === undefined ? '-' : fmt(s.ceilingEventsPerSecond),
          s.ceilingRatio === undefined || s.ceilingRatioRange === undefined
            ? '-'
            : `${ratioText(s.ceilingRatio)} (${ratioText(s.ceilingRatioRange[0])}-${ratioText(s.ceilingRatioRange[1])})`,
          s.target?.text ?? '-',
          s.target === undefined ? '-' : s.target.met ? 'met' : 'MISSED',
          s.busiestGroup === undefined
            ? '-'
            : `${s.busiestGroup.group}: ${Math.round(s.busiestGroup.busyShare * 100)}%, ${fmt(s.busiestGroup.msPerMessage)}`,
        ],
  );
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i]!.length)));
  const line = (cells: ReadonlyArray<string>) => `| ${cells.map((c, i) => c.padEnd(widths[i]!)).join(' | ')} |`;
  console.log(`\n${line(header)}\n|${widths.map((w) => '-'.repeat(w + 2)).join('|')}|`);
  for (const row of rows) console.log(line(row));
};

const NOTES = [
  "Terminal detection: a subscription of its own (group bench-terminal) on the host's order topic, through the host's messaging (in-memory bus or Kafka consumer group); each order ends at the delivery of its OrderCompleted / OrderCancelled, i.e. append + outbox relay (polls every 20 ms when idle) + transport. No order stream is read. Resolution: performance.now() at delivery, sub-millisecond; on Kafka it includes the fetch of the watcher (long poll, returns as soon as a record arrives).",
  'Throughput: orders of a round / (last terminal event - first place); the range is the lowest and highest round. Latency percentiles pool every order of every round; the p99 range is per round.',
  "Each round starts a fresh system (new database, new topics, new host; the two-process child stays up between rounds and starts a new host), so that every round starts from an empty log: the host's read models (one JSON document per projection, e.g. the revenue projection keeps every order) are copied and saved whole on every projection step, so their cost grows with the orders before.",
  'Ceiling: C writers, one event per append, each on its own stream, no version check, through createPostgresEventStore (group commit, pool of 10), in a database of its own on the same server, measured right before each PostgreSQL round. It bounds appends only: no outbox rows, no consumers, no reads, no inbox, no read models, and nothing else running; the ratio is (orders/s x events per order) / that rate.',
  'Events per order: events appended during the round (readAll, setup excluded) / orders. Messages per order: outbox rows written during the round (ordo.ordo_outbox, or the in-memory outbox entries) / orders; timeouts fired by the in-memory timers go straight to the bus and are not counted (none fire in these runs).',
  "Half peak: orders placed open loop at half the peak configuration's orders/s of this run, from the same C placers.",
  'Two processes: parent runs api (order and inventory commands), projections and relay, and places the orders; the child runs saga, payments, shipping, notifications, timers and relay. Both relays split the outbox buckets by lease.',
  "Busiest group: the consumer group whose handler ran for the largest share of the round (timed through the host's simulation.wrapConsumer hook, a timer around each call; child: = in the child process), with its handler time per message. On the in-memory bus every group handles one message at a time (by design), so a share near 100% is the bound there; on Kafka each consumer takes messaging.concurrency (4) partitions at once, so shares above 100% mean overlapping handlers. In one process, handler time includes waiting for the event loop while other work runs, so shares overstate there.",
  "Defaults everywhere: runtime settings, saga timeouts, 8 partitions per topic; a pool of 10 connections per host process (the host's default size; made by the bench and given as store.pool so that a stalled round's connections cannot crash the bench); test gateway approves every payment; instant carrier. A round that does not end within 45 s + 200 ms per order is reported STALLED with what the database sessions were doing.",
];

const main = async () => {
  const began = Date.now();
  // A word that is an id selects that configuration alone; another word, every id containing it.
  const matches = (id: string, w: string) => id === w || (!CONFIGURATIONS.some((c) => c.id === w) && id.includes(w));
  const selected = CONFIGURATIONS.filter((c) => ONLY.length === 0 || ONLY.some((w) => matches(c.id, w)));
  const needsPostgres = selected.some((c) => c.backend !== 'memory');
  const needsKafka = selected.some((c) => c.backend === 'pg-kafka-1' || c.backend === 'pg-kafka-2');
  const loadBefore = os.loadavg();
  const server = needsPostgres ? await ensurePostgres() : undefined;
  let brokerInfo: { readonly brokers: string[]; readonly started: boolean; stop(): Promise<void> } | undefined;
  let brokerWasRunning = true;
  if (needsKafka) {
    const brokerModule = (await import(new URL('../../../scripts/kafka/broker.mjs', import.meta.url).href)) as {
      ensureBroker: () => Promise<{ brokers: string[]; started: boolean; stop(): Promise<void> }>;
    };
    brokerWasRunning = (process.env.KAFKA_BROKERS ?? '').trim() !== '' || (await localBrokerRunning());
    brokerInfo = await brokerModule.ensureBroker();
  }
  const ceilingDb = uniqueDatabaseName('host_bench_ceiling');
  const ceilingUrl = server === undefined ? undefined : await createDatabase(server.url, ceilingDb);
  const env: Environment = {
    serverUrl: server?.url,
    brokers: brokerInfo?.brokers,
    ceiling: ceilingUrl === undefined ? undefined : await openCeiling(ceilingUrl, PLACERS),
    child: undefined,
  };
  const serverInfo = server === undefined ? undefined : await postgresInfo(server.url);
  log(`host bench: ${PLACERS} placers, ${ROUNDS} rounds of about ${ROUND_SECONDS} s per configuration, ${SKUS} skus`);
  const summaries: Array<Summary | StalledRun> = [];
  const peaks = new Map<string, Summary>();
  const warmed = new Map<Backend, number>();
  try {
    for (const configuration of selected) {
      log(`${configuration.label}...`);
      if (configuration.halfOf !== undefined && !peaks.has(configuration.halfOf)) {
        summaries.push({
          id: configuration.id,
          label: configuration.label,
          stalled: `${configuration.halfOf} stalled`,
        });
        continue;
      }
      try {
        const summary = await runConfiguration(configuration, env, peaks, warmed);
        summaries.push(summary);
        peaks.set(configuration.id, summary);
      } catch (error) {
        if (!(error instanceof StallError)) throw error;
        const stalled = `${error.message}; sessions: ${error.diagnosis || '-'}`;
        log(`  STALLED: ${stalled}`);
        summaries.push({ id: configuration.id, label: configuration.label, stalled });
        // A stalled child host may be wedged: the next configuration starts a new child.
        await env.child?.close();
        env.child = undefined;
      }
    }
  } finally {
    await env.child?.close();
    await env.ceiling?.close();
    if (server !== undefined) {
      await dropDatabase(server.url, ceilingDb).catch(() => undefined);
      await server.stop();
    }
    if (brokerInfo?.started === true && !brokerWasRunning) await brokerInfo.stop();
  }

  const report = {
    benchmark: 'host end to end',
    date: new Date().toISOString(),
    node: process.version,
    ...machineReport(loadBefore),
    postgres: postgresReport(server, serverInfo),
    kafka:
      brokerInfo === undefined
        ? undefined
        : { source: brokerInfo.started ? 'scripts/kafka/broker.sh' : 'KAFKA_BROKERS' },
    params: {
      placers: PLACERS,
      rounds: ROUNDS,
      warmUpRoundsPerBackend: 1,
      roundSeconds: ROUND_SECONDS,
      warmUpOrders: { memory: WARMUP_MEMORY, postgres: WARMUP_POSTGRES },
      skus: SKUS,
      ceilingSecondsPerRound: CEILING_SECONDS,
      hostPoolConnections: POOL ?? 'host default (10)',
    },
    targets: {
      memoryOrdersPerSecond: TARGET_MEMORY,
      postgresKafkaCeilingRatio: TARGET_CEILING_RATIO,
      postgresKafkaHalfPeakP99Ms: TARGET_P99_MS,
    },
    units:
      'ordersPerSecond: orders / s, first place to last terminal; p50Ms / p99Ms: place -> OrderCompleted/OrderCancelled delivered, ms; ceilingEventsPerSecond: single-event appends / s; cpuMsPerOrder: CPU ms of the Node process(es) per order (not PostgreSQL, not the broker)',
    notes: NOTES,
    configurations: summaries,
    durationSec: Math.round((Date.now() - began) / 1000),
  };
  console.log(
    `\nHost end to end: ${PLACERS} placers, ${ROUNDS} rounds of about ${ROUND_SECONDS} s per configuration, ` +
      `${report.machine.cpus} CPUs, PostgreSQL ${serverInfo?.version ?? '-'} (fsync ${serverInfo?.fsync ?? '-'}), ${report.durationSec} s`,
  );
  printTable(summaries);
  console.log(`\n${NOTES.map((n) => `- ${n}`).join('\n')}`);
  const json = JSON.stringify(report, null, 2);
  console.log(`\n${json}`);
  if (ONLY.length === 0) {
    log(`wrote ${await writeBenchResults('host', json)}`);
  }
};

/** True when the local broker.sh broker runs now (so the bench leaves it running at the end). */
const localBrokerRunning = (): Promise<boolean> =>
  new Promise((resolve) => {
    const env = { ...process.env };
    delete env.KAFKA_BROKERS;
    const script = fileURLToPath(new URL('../../../scripts/kafka/broker.sh', import.meta.url));
    const child = spawn('bash', [script, 'status'], { env, stdio: 'ignore' });
    child.on('exit', (code) => resolve(code === 0));
    child.on('error', () => resolve(false));
  });

await main();
