/**
 * Test support for the multi-process specs: host processes (`runtime/host-process.ts`) started as
 * children, killed (SIGKILL), stopped (SIGTERM, with the time to exit measured) and started again;
 * a Kafka broker from `scripts/kafka/broker.mjs`; and the effects the children wrote.
 */
import { type ChildProcess, execFile, spawn } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { isDeepStrictEqual } from 'node:util';
import type pg from 'pg';
import { type AnyEvent, rebuildProjection, type RecordedEvent } from '@ordo/kernel';
import {
  type FulfilmentTimeouts,
  type Notification,
  type NotifiableEvent,
  NOTIFICATION_CONSUMER,
  notificationsFor,
  notifyingEventTypes,
  type OrderEvent,
  type PaymentEvent,
} from '@ordo/domains';
import type { Host } from '../composition/host';
import type { HostRole, RuntimeSettings } from '../composition/host-config';
import { projectionRunners } from '../composition/host-projections';
import { HostTokens, resolveService } from '../composition/tokens';
import type { HostProcessEffect } from '../runtime/host-process';
import { checkInvariants, type InvariantResult } from '../simulation/invariants';
import { eventually } from './shop';

const ROOT = fileURLToPath(new URL('../../../../', import.meta.url));
const ENTRY = fileURLToPath(new URL('../runtime/host-process.ts', import.meta.url));
const BROKER_MJS = new URL('../../../../scripts/kafka/broker.mjs', import.meta.url);

/** What one host process runs with; turned into its `ORDO_*` environment. */
export interface HostProcessOptions {
  readonly storeUrl: string;
  readonly brokers: ReadonlyArray<string>;
  readonly topicPrefix: string;
  readonly roles: ReadonlyArray<HostRole>;
  readonly instanceId: string;
  /** Where the child appends its effects (notifications handed to the sender, gateway answers...). */
  readonly effectsFile: string;
  readonly partitions?: number;
  readonly sagaTimeouts?: Partial<FulfilmentTimeouts>;
  /** Keys as strings; `/source/` is a regular expression. */
  readonly gatewayRules?: {
    readonly noAnswerKeys?: ReadonlyArray<string>;
    readonly declineKeys?: ReadonlyArray<string>;
  };
  readonly runtime?: RuntimeSettings;
  readonly deadlineMs?: number;
  readonly maxConnections?: number;
  /** Variables set as given, after the ones above (to test a bad environment). */
  readonly extraEnv?: Readonly<Record<string, string>>;
}

/** The `ORDO_*` variables of {@link HostProcessOptions}. */
export const hostProcessEnv = (options: HostProcessOptions): Record<string, string> => ({
  ORDO_STORE_URL: options.storeUrl,
  ORDO_KAFKA_BROKERS: options.brokers.join(','),
  ORDO_TOPIC_PREFIX: options.topicPrefix,
  ORDO_ROLES: options.roles.join(','),
  ORDO_INSTANCE_ID: options.instanceId,
  ORDO_EFFECTS_FILE: options.effectsFile,
  ...(options.partitions === undefined ? {} : { ORDO_KAFKA_PARTITIONS: String(options.partitions) }),
  ...(options.sagaTimeouts === undefined ? {} : { ORDO_SAGA_TIMEOUTS: JSON.stringify(options.sagaTimeouts) }),
  ...(options.gatewayRules === undefined ? {} : { ORDO_GATEWAY_RULES: JSON.stringify(options.gatewayRules) }),
  ...(options.runtime === undefined ? {} : { ORDO_RUNTIME: JSON.stringify(options.runtime) }),
  ...(options.deadlineMs === undefined ? {} : { ORDO_SHUTDOWN_DEADLINE_MS: String(options.deadlineMs) }),
  ...(options.maxConnections === undefined ? {} : { ORDO_MAX_CONNECTIONS: String(options.maxConnections) }),
  ...options.extraEnv,
});

/** How a child ended. */
export interface ProcessExit {
  readonly code: number | null;
  readonly signal: NodeJS.Signals | null;
}

/** One running child host process. */
export interface HostProcess {
  readonly name: string;
  readonly pid: number;
  /** Resolves when the process has exited. */
  readonly exited: Promise<ProcessExit>;
  /** What it printed so far (stdout and stderr, the last 200 lines). */
  output(): string;
  /** SIGKILL, as a crash: resolves once it is gone. */
  kill(): Promise<ProcessExit>;
  /** SIGTERM: resolves once it exited, with the time from the signal to the exit. */
  terminate(): Promise<ProcessExit & { readonly elapsedMs: number }>;
}

const live = new Set<ChildProcess>();
let exitHookInstalled = false;
/** A test that fails or crashes must not leave its children running. */
const installExitHook = () => {
  if (exitHookInstalled) return;
  exitHookInstalled = true;
  process.on('exit', () => {
    for (const child of live) child.kill('SIGKILL');
  });
};

/** Runs the host entry with `env` (no READY wait): for a child that is expected to refuse to start. */
export const runHostProcess = (
  env: Readonly<Record<string, string>>,
  timeoutMs = 60_000,
): Promise<ProcessExit & { readonly output: string }> =>
  new Promise((resolve, reject) => {
    const child = execFile(
      process.execPath,
      ['--conditions=ordo-source', '--import', 'tsx', ENTRY],
      { cwd: ROOT, env: { PATH: process.env.PATH ?? '', ...env }, timeout: timeoutMs },
      (error, stdout, stderr) => {
        const output = `${stdout}${stderr}`;
        if (error === null) resolve({ code: 0, signal: null, output });
        else if (typeof error.code === 'number') resolve({ code: error.code, signal: null, output });
        else if (error.signal !== undefined && error.signal !== null)
          resolve({ code: null, signal: error.signal, output });
        else reject(error);
      },
    );
    child.stdin?.end();
  });

/**
 * Starts a host process and waits for its `READY` line. Rejects (with what it printed) when it
 * exits first or is not ready within `readyTimeoutMs`. Set ORDO_HOST_PROCESS_LOG=1 to see its
 * output as it comes.
 */
export const startHostProcess = (
  name: string,
  options: HostProcessOptions,
  readyTimeoutMs = 60_000,
): Promise<HostProcess> => {
  installExitHook();
  const env: NodeJS.ProcessEnv = { ...process.env, ...hostProcessEnv(options) };
  const child = spawn(process.execPath, ['--conditions=ordo-source', '--import', 'tsx', ENTRY], {
    cwd: ROOT,
    env,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  live.add(child);
  const lines: string[] = [];
  const echo = (process.env.ORDO_HOST_PROCESS_LOG ?? '') !== '';
  let ready: (() => void) | undefined;
  const collect = (stream: NodeJS.ReadableStream | null) => {
    let partial = '';
    stream?.setEncoding('utf8');
    stream?.on('data', (chunk: string) => {
      partial += chunk;
      const parts = partial.split('\n');
      partial = parts.pop() ?? '';
      for (const line of parts) {
        lines.push(line);
        if (lines.length > 200) lines.shift();
        if (echo) process.stderr.write(`[${name}] ${line}\n`);
        if (line.startsWith('READY ')) ready?.();
      }
    });
  };
  collect(child.stdout);
  collect(child.stderr);
  const exited = new Promise<ProcessExit>((resolve) => {
    child.on('exit', (code, signal) => {
      live.delete(child);
      resolve({ code, signal });
    });
  });
  const output = () => lines.join('\n');
  const signal = async (sig: NodeJS.Signals): Promise<ProcessExit> => {
    if (child.exitCode === null && child.signalCode === null) child.kill(sig);
    return exited;
  };
  const handle: HostProcess = {
    name,
    pid: child.pid ?? -1,
    exited,
    output,
    kill: () => signal('SIGKILL'),
    terminate: async () => {
      const started = performance.now();
      const exit = await signal('SIGTERM');
      return { ...exit, elapsedMs: Math.round(performance.now() - started) };
    },
  };
  return new Promise<HostProcess>((resolve, reject) => {
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`host process ${name} not READY within ${readyTimeoutMs} ms:\n${output()}`));
    }, readyTimeoutMs);
    ready = () => {
      clearTimeout(timer);
      resolve(handle);
    };
    void exited.then((exit) => {
      clearTimeout(timer);
      reject(
        new Error(`host process ${name} exited before READY (code ${exit.code}, signal ${exit.signal}):\n${output()}`),
      );
    });
  });
};

/** The effects of every child, read back from their files. */
export interface HostEffects {
  /** Every notification handed to a sender, in file order (a repeated id was sent again). */
  readonly notifications: ReadonlyArray<Notification>;
  /** Every gateway answer given. */
  readonly gatewayCalls: ReadonlyArray<Extract<HostProcessEffect, { kind: 'gateway' }>>;
  readonly rejections: ReadonlyArray<Extract<HostProcessEffect, { kind: 'rejection' }>>;
  readonly failures: ReadonlyArray<Extract<HostProcessEffect, { kind: 'failure' }>>;
}

/**
 * Reads the effects files. A process killed in the middle of a write may leave its last line
 * cut short: such a line is skipped (and counted in `torn`).
 */
export const readHostEffects = (files: ReadonlyArray<string>): HostEffects & { readonly torn: number } => {
  const notifications: Notification[] = [];
  const gatewayCalls: Array<Extract<HostProcessEffect, { kind: 'gateway' }>> = [];
  const rejections: Array<Extract<HostProcessEffect, { kind: 'rejection' }>> = [];
  const failures: Array<Extract<HostProcessEffect, { kind: 'failure' }>> = [];
  let torn = 0;
  for (const file of files) {
    if (!existsSync(file)) continue;
    for (const line of readFileSync(file, 'utf8').split('\n')) {
      if (line.trim() === '') continue;
      let effect: HostProcessEffect;
      try {
        effect = JSON.parse(line) as HostProcessEffect;
      } catch {
        torn += 1;
        continue;
      }
      if (effect.kind === 'notification') notifications.push(effect.notification);
      else if (effect.kind === 'gateway') gatewayCalls.push(effect);
      else if (effect.kind === 'rejection') rejections.push(effect);
      else failures.push(effect);
    }
  }
  return { notifications, gatewayCalls, rejections, failures, torn };
};

/** A scratch directory for the effects files of one spec; `close()` removes it. */
export const openScratchDir = (
  prefix: string,
): { readonly path: string; file(name: string): string; close(): void } => {
  const path = mkdtempSync(join(tmpdir(), `${prefix}-`));
  return {
    path,
    file: (name) => join(path, `${name}.jsonl`),
    close: () => rmSync(path, { recursive: true, force: true }),
  };
};

/**
 * A Kafka broker for one spec file (KAFKA_BROKERS, or the local broker of scripts/kafka/broker.sh).
 * It is left running after the spec, as `scripts/kafka/broker.mjs` intends (CI stops it with
 * `scripts/kafka/broker.sh stop`): other specs may be using the same local broker meanwhile.
 */
export interface HostTestBroker {
  readonly brokers: ReadonlyArray<string>;
  /** A topic prefix no other run uses: `<prefix>-<8 hex>.` */
  uniquePrefix(prefix: string): string;
}

/** Opens a {@link HostTestBroker} through `ensureBroker()`, as the Kafka adapter's specs do. */
export const openHostTestBroker = async (): Promise<HostTestBroker> => {
  const module = (await import(BROKER_MJS.href)) as {
    ensureBroker: () => Promise<{ readonly brokers: string[] }>;
  };
  const broker = await module.ensureBroker();
  return {
    brokers: broker.brokers,
    uniquePrefix: (prefix) => `${prefix}-${randomUUID().slice(0, 8)}.`,
  };
};

/** Resolves after `ms`. */
export const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

/** Order ids not yet Completed or Cancelled after polling up to `timeoutMs` (empty when all are). */
export const waitForTerminalOrders = async (
  host: Host,
  orderIds: ReadonlyArray<string>,
  timeoutMs: number,
): Promise<ReadonlyArray<string>> => {
  let open = [...orderIds];
  const until = Date.now() + timeoutMs;
  for (;;) {
    const states = await Promise.all(open.map(async (id) => ({ id, state: await host.orderStatus(id) })));
    open = states.filter((s) => s.state.status !== 'completed' && s.state.status !== 'cancelled').map((s) => s.id);
    if (open.length === 0 || Date.now() >= until) return open;
    await sleep(250);
  }
};

/** What {@link checkMultiProcessRun} found: the invariants' verdicts and the figures behind them. */
export interface MultiProcessVerdict {
  /** `checkInvariants` on the log, the projections as stored, and the children's effects (sends deduplicated). */
  readonly invariants: ReadonlyArray<InvariantResult>;
  readonly orders: number;
  readonly completed: number;
  readonly cancelled: number;
  /** Cancellation reasons (sku names folded) with their counts. */
  readonly reasons: ReadonlyMap<string, number>;
  /** Orders with more than one PaymentCaptured event. */
  readonly capturedTwice: ReadonlyArray<string>;
  readonly captures: number;
  /** Notification ids the log calls for. */
  readonly expectedNotifications: number;
  /** Notifications handed to senders (lines), and how many of them repeated an id. */
  readonly notificationsSent: number;
  readonly duplicateSends: number;
  /** Expected ids that no sender got. */
  readonly neverSent: ReadonlyArray<string>;
  /** Rows of the notifications inbox; expected ids without one; rows no event calls for. */
  readonly inboxRows: number;
  readonly missingInInbox: ReadonlyArray<string>;
  readonly extraInInbox: ReadonlyArray<string>;
  /** Gateway answers given, payments asked, and repeated asks (same payment again). */
  readonly gatewayCalls: number;
  readonly gatewayPayments: number;
  readonly gatewayRepeats: number;
  readonly rejections: ReadonlyArray<string>;
  readonly failures: ReadonlyArray<string>;
  readonly tornLines: number;
  /** Time from OrderPlaced to OrderCompleted / OrderCancelled (business time of the events), ms. */
  readonly latencyMs: { readonly p50: number; readonly p90: number; readonly max: number };
}

const rowsOf = async (pool: pg.Pool, sql: string, values: ReadonlyArray<unknown> = []) =>
  (await pool.query<Record<string, unknown>>(sql, [...values])).rows;

/** Notification ids the events of the log call for. */
export const expectedNotificationIds = (events: ReadonlyArray<RecordedEvent<AnyEvent>>): ReadonlySet<string> => {
  const types: ReadonlyArray<string> = notifyingEventTypes;
  const ids = new Set<string>();
  for (const e of events) {
    if (!types.includes(e.event.type)) continue;
    for (const n of notificationsFor(e as RecordedEvent<NotifiableEvent>)) ids.add(n.notificationId);
  }
  return ids;
};

/**
 * Waits until the run has settled (no outbox backlog, every expected notification in the inbox,
 * every projection equal to its rebuild, or `timeoutMs` passed), then reads the whole log, the
 * notifications inbox and the children's effects and checks them: `checkInvariants` with the sends
 * deduplicated (a repeated send is counted in `duplicateSends` for the caller to bound), plus the
 * figures of {@link MultiProcessVerdict}. `host` is the parent's host on the same store.
 */
export const checkMultiProcessRun = async (options: {
  readonly host: Host;
  readonly pool: pg.Pool;
  readonly effectsFiles: ReadonlyArray<string>;
  readonly orderIds: ReadonlyArray<string>;
  readonly settleTimeoutMs?: number;
  readonly schema?: string;
}): Promise<MultiProcessVerdict> => {
  const { host, pool } = options;
  const schema = options.schema ?? 'ordo';
  const store = resolveService(host.container, HostTokens.EventStore);
  const runners = projectionRunners(resolveService(host.container, HostTokens.Projections));
  const inboxIds = async () =>
    new Set(
      (
        await rowsOf(pool, `SELECT message_id FROM ${schema}.ordo_inbox WHERE consumer = $1`, [NOTIFICATION_CONSUMER])
      ).map((r) => String(r.message_id)),
    );
  const compared = async () =>
    Promise.all(
      runners.map(async (r) => ({
        name: r.name,
        stored: (await r.stored()).model,
        rebuilt: (await rebuildProjection(r.projection, (o) => store.readAll(o))).model,
      })),
    );
  await eventually(
    async () => {
      const health = await host.health();
      if (health.outboxPending > 0) return false;
      const expected = expectedNotificationIds(await store.readAll());
      const inbox = await inboxIds();
      if ([...expected].some((id) => !inbox.has(id))) return false;
      return (await compared()).every((p) => isDeepStrictEqual(p.stored, p.rebuilt));
    },
    options.settleTimeoutMs ?? 30_000,
    500,
  );
  // The children write their audit every 200 ms.
  await sleep(500);

  const events = await store.readAll();
  const effects = readHostEffects(options.effectsFiles);
  const firstSends = new Map<string, Notification>();
  for (const n of effects.notifications) if (!firstSends.has(n.notificationId)) firstSends.set(n.notificationId, n);
  const invariants = checkInvariants({
    events,
    projections: await compared(),
    sent: [...firstSends.values()],
    rejections: effects.rejections,
    failures: effects.failures.map((f) => `${f.instance}: ${f.failure.split('\n')[0]}`),
  });

  const states = await Promise.all(options.orderIds.map((id) => host.orderStatus(id)));
  const reasons = new Map<string, number>();
  for (const s of states) {
    if (s.status !== 'cancelled') continue;
    const reason = (s.cancelReason ?? '').replace(/ \(.*\)$/, '').replace(/sku-\d+/, 'sku-N');
    reasons.set(reason, (reasons.get(reason) ?? 0) + 1);
  }
  const capturesByOrder = new Map<string, number>();
  for (const e of events) {
    if (e.event.type !== 'PaymentCaptured') continue;
    const orderId = (e.event as Extract<PaymentEvent, { type: 'PaymentCaptured' }>).orderId;
    capturesByOrder.set(orderId, (capturesByOrder.get(orderId) ?? 0) + 1);
  }
  const placedAt = new Map<string, number>();
  const latencies: number[] = [];
  for (const e of events) {
    const type = e.event.type;
    if (type !== 'OrderPlaced' && type !== 'OrderCompleted' && type !== 'OrderCancelled') continue;
    const orderId = (e.event as OrderEvent & { readonly orderId: string }).orderId;
    const t = Date.parse(e.metadata.occurredAt);
    if (type === 'OrderPlaced') placedAt.set(orderId, t);
    else if (placedAt.has(orderId)) latencies.push(t - placedAt.get(orderId)!);
  }
  latencies.sort((a, b) => a - b);
  const quantile = (q: number) => latencies[Math.min(latencies.length - 1, Math.floor(q * latencies.length))] ?? 0;
  const expected = expectedNotificationIds(events);
  const inbox = await inboxIds();
  const payments = new Set(effects.gatewayCalls.map((c) => c.paymentId));
  return {
    invariants,
    orders: options.orderIds.length,
    completed: states.filter((s) => s.status === 'completed').length,
    cancelled: states.filter((s) => s.status === 'cancelled').length,
    reasons,
    capturedTwice: [...capturesByOrder].filter(([, n]) => n > 1).map(([id]) => id),
    captures: [...capturesByOrder.values()].reduce((a, b) => a + b, 0),
    expectedNotifications: expected.size,
    notificationsSent: effects.notifications.length,
    duplicateSends: effects.notifications.length - firstSends.size,
    neverSent: [...expected].filter((id) => !firstSends.has(id)),
    inboxRows: inbox.size,
    missingInInbox: [...expected].filter((id) => !inbox.has(id)),
    extraInInbox: [...inbox].filter((id) => !expected.has(id)),
    gatewayCalls: effects.gatewayCalls.length,
    gatewayPayments: payments.size,
    gatewayRepeats: effects.gatewayCalls.length - payments.size,
    rejections: effects.rejections.map((r) => `${r.type}:${r.code}`),
    failures: effects.failures.map((f) => f.failure),
    tornLines: effects.torn,
    latencyMs: { p50: quantile(0.5), p90: quantile(0.9), max: latencies[latencies.length - 1] ?? 0 },
  };
};

/** `reason count; reason count` of a verdict's cancellation reasons. */
export const formatReasons = (reasons: ReadonlyMap<string, number>): string =>
  [...reasons].map(([r, c]) => `${r} ${c}`).join('; ');

/** The violations of a verdict's invariants, one line each (empty when all hold). */
export const brokenInvariants = (verdict: MultiProcessVerdict): ReadonlyArray<string> =>
  verdict.invariants.flatMap((r) => r.violations.map((v) => `${r.invariant}: ${v}`));

/** How many orders have ended (OrderCompleted or OrderCancelled in the log): one query. */
export const endedOrders = async (pool: pg.Pool, schema = 'ordo'): Promise<number> =>
  Number(
    (
      await pool.query<{ n: string }>(
        `SELECT count(*) AS n FROM ${schema}.ordo_events WHERE event_type IN ('OrderCompleted', 'OrderCancelled')`,
      )
    ).rows[0]?.n ?? 0,
  );

/**
 * Waits until fewer than `cap` of the `placed` orders are still running: the test's load
 * adapts to what the machine manages, so step latencies stay under the saga's timeouts.
 */
export const throttleOrders = async (pool: pg.Pool, placed: number, cap: number): Promise<void> => {
  while (placed - (await endedOrders(pool)) >= cap) await sleep(100);
};
