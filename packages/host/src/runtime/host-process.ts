/**
 * A host process for the multi-process integration tests: reads its configuration from the
 * environment, runs `createHost` on PostgreSQL + Kafka with the roles it is given, stops on
 * SIGTERM / SIGINT within a deadline (`installShutdownHandlers`), and prints one `READY` line on
 * stdout once started. Run it as
 *
 *   node --conditions=ordo-source --import tsx packages/host/src/runtime/host-process.ts
 *
 * Environment (`ORDO_STORE_URL` and `ORDO_KAFKA_BROKERS` required, the rest optional):
 * - `ORDO_STORE_URL`: `postgres://` URL of the store (never printed);
 * - `ORDO_KAFKA_BROKERS`: comma-separated `host:port` list;
 * - `ORDO_TOPIC_PREFIX`: prefix of every topic (default `ordo.`);
 * - `ORDO_KAFKA_PARTITIONS`: partitions of the topics the host creates;
 * - `ORDO_ROLES`: comma-separated roles (default all);
 * - `ORDO_INSTANCE_ID`: this process's name in leases and relay owners;
 * - `ORDO_SAGA_TIMEOUTS`: JSON object of step timeouts in ms, e.g. `{"payment":3000}`;
 * - `ORDO_GATEWAY_RULES`: JSON of the test gateway's rules: `noAnswerKeys` and `declineKeys` as
 *   lists of strings (a string written `/source/` is a regular expression), `declineAbove`,
 *   `declineCurrencies`;
 * - `ORDO_RUNTIME`: JSON object of runtime settings (`timerPollMs`...);
 * - `ORDO_SHUTDOWN_DEADLINE_MS`: deadline of the orderly shutdown (default 10 000);
 * - `ORDO_MAX_CONNECTIONS`: size of the PostgreSQL pool;
 * - `ORDO_EFFECTS_FILE`: a file this process appends one JSON line to per notification handed to
 *   the sender (before the inbox records it), per gateway answer, per command rejection and per
 *   failure of the host's audit (see {@link HostProcessEffect}).
 *
 * A bad environment (or a host configuration `createHost` refuses) prints one line naming every
 * wrong variable and exits with code 2; a start that fails otherwise (store or broker
 * unreachable) exits with code 1.
 */
import { appendFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import {
  type AuthorizationAnswer,
  type AuthorizationRequest,
  createTestPaymentGateway,
  type FulfilmentTimeouts,
  type KeyRule,
  type Notification,
  type PaymentGateway,
  type TestGatewayRules,
} from '@ordo/domains';
import { createHost } from '../composition/create-host';
import { HOST_ROLES, HostConfigError, type HostRole, type RuntimeSettings } from '../composition/host-config';
import { HostTokens, resolveService } from '../composition/tokens';
import { installShutdownHandlers } from './shutdown';

/** One line of the effects file. */
export type HostProcessEffect =
  | {
      readonly kind: 'notification';
      readonly instance: string;
      readonly at: string;
      readonly notification: Notification;
    }
  | {
      readonly kind: 'gateway';
      readonly instance: string;
      readonly at: string;
      readonly paymentId: string;
      readonly idempotencyKey: string;
      readonly amount: number;
      readonly outcome: AuthorizationAnswer['outcome'];
    }
  | {
      readonly kind: 'rejection';
      readonly instance: string;
      readonly at: string;
      readonly type: string;
      readonly code: string;
      readonly commandId: string;
    }
  | { readonly kind: 'failure'; readonly instance: string; readonly at: string; readonly failure: string };

/** What {@link readHostProcessEnv} makes of the environment. */
export interface HostProcessSettings {
  readonly storeUrl: string;
  readonly brokers: ReadonlyArray<string>;
  readonly topicPrefix?: string;
  readonly partitions?: number;
  readonly roles?: ReadonlyArray<HostRole>;
  readonly instanceId?: string;
  readonly sagaTimeouts?: Partial<FulfilmentTimeouts>;
  readonly gatewayRules?: TestGatewayRules;
  readonly runtime?: RuntimeSettings;
  readonly deadlineMs?: number;
  readonly maxConnections?: number;
  readonly effectsFile?: string;
}

/** A bad environment: every wrong variable, in one message. */
export class HostProcessEnvError extends Error {
  constructor(readonly problems: ReadonlyArray<string>) {
    super(`bad environment: ${problems.join('; ')}`);
    this.name = 'HostProcessEnvError';
  }
}

const isRecord = (v: unknown): v is Readonly<Record<string, unknown>> =>
  typeof v === 'object' && v !== null && !Array.isArray(v);

const TIMED_STEPS: ReadonlyArray<keyof FulfilmentTimeouts> = ['reserve', 'payment', 'capture', 'shipment'];

/** Reads and checks the variables of this entry; throws {@link HostProcessEnvError} naming each wrong one. */
export const readHostProcessEnv = (env: Readonly<Record<string, string | undefined>>): HostProcessSettings => {
  const problems: string[] = [];
  const text = (name: string): string | undefined => {
    const value = env[name]?.trim();
    return value === undefined || value === '' ? undefined : value;
  };
  const positiveInt = (name: string): number | undefined => {
    const value = text(name);
    if (value === undefined) return undefined;
    const n = Number(value);
    if (!Number.isInteger(n) || n <= 0) {
      problems.push(`${name} must be a positive integer, got ${JSON.stringify(value)}`);
      return undefined;
    }
    return n;
  };
  const json = (name: string): Readonly<Record<string, unknown>> | undefined => {
    const value = text(name);
    if (value === undefined) return undefined;
    try {
      const parsed: unknown = JSON.parse(value);
      if (isRecord(parsed)) return parsed;
    } catch {
      // reported below
    }
    problems.push(`${name} must be a JSON object`);
    return undefined;
  };
  const keyRules = (name: string, value: unknown): ReadonlyArray<KeyRule> | undefined => {
    if (value === undefined) return undefined;
    if (!Array.isArray(value) || !value.every((v): v is string => typeof v === 'string')) {
      problems.push(`${name} must be a list of strings`);
      return undefined;
    }
    const rules: KeyRule[] = [];
    for (const v of value) {
      const pattern = /^\/(.+)\/$/.exec(v);
      if (pattern === null) {
        rules.push(v);
        continue;
      }
      try {
        rules.push(new RegExp(pattern[1]!));
      } catch {
        problems.push(`${name} holds a bad regular expression ${JSON.stringify(v)}`);
      }
    }
    return rules;
  };

  const storeUrl = text('ORDO_STORE_URL');
  if (storeUrl === undefined) problems.push('ORDO_STORE_URL must be set (a postgres:// URL)');
  else if (!/^postgres(ql)?:\/\//.test(storeUrl)) problems.push('ORDO_STORE_URL must be a postgres:// URL');

  const brokerList = text('ORDO_KAFKA_BROKERS');
  const brokers = (brokerList ?? '')
    .split(',')
    .map((b) => b.trim())
    .filter((b) => b !== '');
  if (brokers.length === 0) problems.push('ORDO_KAFKA_BROKERS must be set (comma-separated host:port)');
  for (const b of brokers) {
    if (!/^[^\s:/]+:\d{1,5}$/.test(b)) problems.push(`ORDO_KAFKA_BROKERS holds ${JSON.stringify(b)}, not host:port`);
  }

  let roles: HostRole[] | undefined;
  const roleList = text('ORDO_ROLES');
  if (roleList !== undefined) {
    roles = [];
    for (const role of roleList.split(',').map((r) => r.trim())) {
      if ((HOST_ROLES as ReadonlyArray<string>).includes(role)) roles.push(role as HostRole);
      else problems.push(`ORDO_ROLES holds ${JSON.stringify(role)}, not one of ${HOST_ROLES.join(', ')}`);
    }
  }

  let sagaTimeouts: Partial<Record<keyof FulfilmentTimeouts, number>> | undefined;
  const timeouts = json('ORDO_SAGA_TIMEOUTS');
  if (timeouts !== undefined) {
    sagaTimeouts = {};
    for (const [step, ms] of Object.entries(timeouts)) {
      const known = TIMED_STEPS.find((s) => s === step);
      if (known === undefined) problems.push(`ORDO_SAGA_TIMEOUTS.${step} is not a step (${TIMED_STEPS.join(', ')})`);
      else if (typeof ms !== 'number' || !Number.isInteger(ms) || ms <= 0)
        problems.push(`ORDO_SAGA_TIMEOUTS.${step} must be a positive integer of ms`);
      else sagaTimeouts[known] = ms;
    }
  }

  let gatewayRules: TestGatewayRules | undefined;
  const rules = json('ORDO_GATEWAY_RULES');
  if (rules !== undefined) {
    for (const key of Object.keys(rules)) {
      if (!['noAnswerKeys', 'declineKeys', 'declineCurrencies', 'declineAbove'].includes(key))
        problems.push(`ORDO_GATEWAY_RULES.${key} is not a gateway rule`);
    }
    const noAnswerKeys = keyRules('ORDO_GATEWAY_RULES.noAnswerKeys', rules.noAnswerKeys);
    const declineKeys = keyRules('ORDO_GATEWAY_RULES.declineKeys', rules.declineKeys);
    const currencies = rules.declineCurrencies;
    if (
      currencies !== undefined &&
      (!Array.isArray(currencies) || !currencies.every((c): c is string => typeof c === 'string'))
    )
      problems.push('ORDO_GATEWAY_RULES.declineCurrencies must be a list of strings');
    const above = rules.declineAbove;
    if (above !== undefined && (typeof above !== 'number' || !Number.isInteger(above) || above < 0))
      problems.push('ORDO_GATEWAY_RULES.declineAbove must be a non-negative integer');
    gatewayRules = {
      ...(noAnswerKeys === undefined ? {} : { noAnswerKeys }),
      ...(declineKeys === undefined ? {} : { declineKeys }),
      ...(Array.isArray(currencies) ? { declineCurrencies: currencies as ReadonlyArray<string> } : {}),
      ...(typeof above === 'number' ? { declineAbove: above } : {}),
    };
  }

  const runtime = json('ORDO_RUNTIME') as RuntimeSettings | undefined;
  const partitions = positiveInt('ORDO_KAFKA_PARTITIONS');
  const deadlineMs = positiveInt('ORDO_SHUTDOWN_DEADLINE_MS');
  const maxConnections = positiveInt('ORDO_MAX_CONNECTIONS');
  const topicPrefix = text('ORDO_TOPIC_PREFIX');
  const instanceId = text('ORDO_INSTANCE_ID');
  const effectsFile = text('ORDO_EFFECTS_FILE');

  if (problems.length > 0 || storeUrl === undefined) throw new HostProcessEnvError(problems);
  return {
    storeUrl,
    brokers,
    ...(topicPrefix === undefined ? {} : { topicPrefix }),
    ...(partitions === undefined ? {} : { partitions }),
    ...(roles === undefined ? {} : { roles }),
    ...(instanceId === undefined ? {} : { instanceId }),
    ...(sagaTimeouts === undefined ? {} : { sagaTimeouts }),
    ...(gatewayRules === undefined ? {} : { gatewayRules }),
    ...(runtime === undefined ? {} : { runtime }),
    ...(deadlineMs === undefined ? {} : { deadlineMs }),
    ...(maxConnections === undefined ? {} : { maxConnections }),
    ...(effectsFile === undefined ? {} : { effectsFile }),
  };
};

/** A gateway that writes each answer it gives as an effect before giving it. */
const recordingGateway = (inner: PaymentGateway, record: (effect: HostProcessEffect) => void, instance: string) => ({
  authorize: async (request: AuthorizationRequest): Promise<AuthorizationAnswer> => {
    const answer = await inner.authorize(request);
    record({
      kind: 'gateway',
      instance,
      at: new Date().toISOString(),
      paymentId: request.paymentId,
      idempotencyKey: request.idempotencyKey,
      amount: request.amount,
      outcome: answer.outcome,
    });
    return answer;
  },
});

const main = async (): Promise<void> => {
  let settings: HostProcessSettings;
  try {
    settings = readHostProcessEnv(process.env);
  } catch (error) {
    process.stderr.write(`ordo-host: ${error instanceof Error ? error.message : String(error)}\n`);
    process.exit(2);
  }
  const instance = settings.instanceId ?? `pid-${process.pid}`;
  const file = settings.effectsFile;
  // Synchronous: the line is in the file before the caller goes on (a SIGKILL right after keeps it).
  const record = (effect: HostProcessEffect) => {
    if (file !== undefined) appendFileSync(file, `${JSON.stringify(effect)}\n`);
  };

  let host: Awaited<ReturnType<typeof createHost>>;
  try {
    host = await createHost({
      store: {
        kind: 'postgres',
        connectionString: settings.storeUrl,
        ...(settings.maxConnections === undefined ? {} : { maxConnections: settings.maxConnections }),
      },
      messaging: {
        kind: 'kafka',
        brokers: settings.brokers,
        ...(settings.topicPrefix === undefined ? {} : { topicPrefix: settings.topicPrefix }),
        ...(settings.partitions === undefined ? {} : { partitions: settings.partitions }),
      },
      instanceId: instance,
      ...(settings.roles === undefined ? {} : { roles: settings.roles }),
      ...(settings.sagaTimeouts === undefined ? {} : { sagaTimeouts: settings.sagaTimeouts }),
      ...(settings.runtime === undefined ? {} : { runtime: settings.runtime }),
      paymentGateway: recordingGateway(createTestPaymentGateway(settings.gatewayRules ?? {}), record, instance),
      notificationSender: {
        send: async (notification) =>
          record({ kind: 'notification', instance, at: new Date().toISOString(), notification }),
      },
    });
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    process.stderr.write(`ordo-host: could not start: ${message}\n`);
    process.exit(error instanceof HostConfigError ? 2 : 1);
  }

  // The audit lives in this process: its rejections and failures go to the effects file as well.
  const audit = resolveService(host.container, HostTokens.Audit);
  let rejections = 0;
  let failures = 0;
  let incidents = 0;
  const flushAudit = () => {
    const at = new Date().toISOString();
    const newRejections = audit.rejections().slice(rejections);
    rejections += newRejections.length;
    for (const r of newRejections) record({ kind: 'rejection', instance, at, ...r });
    const newFailures = audit.failures().slice(failures);
    failures += newFailures.length;
    for (const failure of newFailures) record({ kind: 'failure', instance, at, failure });
    const all = audit.incidents();
    // The incidents list is trimmed to its last 1000; a count past its length starts over.
    if (incidents > all.length) incidents = 0;
    for (const incident of all.slice(incidents)) process.stderr.write(`INCIDENT ${incident.split('\n')[0]}\n`);
    incidents = all.length;
  };
  const auditTimer = setInterval(flushAudit, 200);

  installShutdownHandlers(host, {
    ...(settings.deadlineMs === undefined ? {} : { deadlineMs: settings.deadlineMs }),
    exit: (code) => {
      clearInterval(auditTimer);
      flushAudit();
      process.exit(code);
    },
  });
  process.stdout.write(`READY ${JSON.stringify({ instanceId: instance, pid: process.pid, roles: [...host.roles] })}\n`);
};

// Runs only as a process's entry: importing this module (for its types or the env reader) starts nothing.
if (process.argv[1] !== undefined && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) void main();
