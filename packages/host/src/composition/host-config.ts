import { type Clock, InvalidInputError, type ValidationIssue } from '@ordo/kernel';
import type { Pool } from 'pg';

/** The roles a host process can run; each can run alone and scale out (see `docs/host.md`). */
export const HOST_ROLES = [
  'api',
  'saga',
  'payments',
  'shipping',
  'notifications',
  'projections',
  'relay',
  'timers',
] as const;
/** One role of a host process. */
export type HostRole = (typeof HOST_ROLES)[number];

/** Where events live. */
export type StoreConfig =
  | {
      readonly kind: 'memory';
      /**
       * `'outbox'` (default): appends fill the in-memory outbox, which the relay publishes.
       * `'log'`: no outbox; the relay follows the log from a checkpoint, as on EventStoreDB (the
       * same relay path, to test it without a server).
       */
      readonly relay?: 'outbox' | 'log';
    }
  | {
      readonly kind: 'postgres';
      /** A `postgres://` URL; or give `pool`. Never logged. */
      readonly connectionString?: string;
      /** A pool of your own (the host does not end it on stop). */
      readonly pool?: Pool;
      /** Schema of every Ordo table; default `ordo`. */
      readonly schema?: string;
      /** Connections of the pool the host makes (default 10). */
      readonly maxConnections?: number;
      /** Runs the migrations on start (default true). */
      readonly migrate?: boolean;
    }
  | {
      readonly kind: 'eventstoredb';
      /** An `esdb://` connection string. Never logged. */
      readonly connectionString: string;
    };

/** How messages travel between roles. */
export type MessagingConfig =
  | { readonly kind: 'memory' }
  | {
      readonly kind: 'kafka';
      /** `host:port` of one or more brokers. */
      readonly brokers: ReadonlyArray<string>;
      /** Put in front of every topic name (default `ordo.`). */
      readonly topicPrefix?: string;
      /** Partitions of the topics the host creates (default 8); existing topics are left alone. */
      readonly partitions?: number;
      /** kafkajs client id (default `ordo-host-<instanceId>`). */
      readonly clientId?: string;
      /**
       * Partitions each consumer handles at once, each in order (default 4): more overlaps the
       * appends of different streams, which group commit then writes together.
       */
      readonly concurrency?: number;
    };

/** Intervals and bounds of the runtime's worker loops; every one has a default. */
export interface RuntimeSettings {
  /** Relay wait when the outbox was empty, ms (default 20). */
  readonly relayPollMs?: number;
  /** Projection wait when caught up, ms (default 100). */
  readonly projectionPollMs?: number;
  /** How often due timeouts are looked for, ms (default 200). */
  readonly timerPollMs?: number;
  /** How often the carrier looks for due pickups, ms (default 100). */
  readonly carrierPollMs?: number;
  /** Outbox messages waiting past which the host is not ready (default 10 000). */
  readonly maxOutboxLag?: number;
  /** Consecutive failures of a worker past which the host is not ready (default 5). */
  readonly maxWorkerFailures?: number;
  /** Longest a gateway call may take before it counts as unanswered, ms (default 10 000). */
  readonly gatewayTimeoutMs?: number;
}

/** The validated form of a store / messaging option given as a word (`'memory'`). */
export type Backend<T> = T | 'memory';

/** What {@link validateHostConfig} checks and the host builds from. */
export interface HostConfigInput {
  readonly store?: Backend<StoreConfig>;
  readonly messaging?: Backend<MessagingConfig>;
  /** `'real'` (default) runs the workers by themselves; a `Clock` (a `ManualClock`) leaves them to `runUntilIdle`. */
  readonly clock?: 'real' | Clock;
  /** Roles this process runs; default all. */
  readonly roles?: ReadonlyArray<HostRole>;
  /** Names this process in leases and relay owners (default a random id); must differ between processes. */
  readonly instanceId?: string;
  readonly runtime?: RuntimeSettings;
}

/** A host configuration after validation: backends as objects, roles as a set. */
export interface ResolvedHostConfig {
  readonly store: StoreConfig;
  readonly messaging: MessagingConfig;
  readonly manualClock: Clock | undefined;
  readonly roles: ReadonlySet<HostRole>;
  readonly instanceId: string;
  readonly runtime: Required<RuntimeSettings>;
}

/** The runtime's defaults. */
export const DEFAULT_RUNTIME_SETTINGS: Required<RuntimeSettings> = {
  relayPollMs: 20,
  projectionPollMs: 100,
  timerPollMs: 200,
  carrierPollMs: 100,
  maxOutboxLag: 10_000,
  maxWorkerFailures: 5,
  gatewayTimeoutMs: 10_000,
};

/**
 * A host configuration that does not hold: an `InvalidInputError` with code
 * `invalid_host_config` and one issue per wrong field (`path` like `store.connectionString`).
 * Connection strings appear as `<hidden>`: they carry passwords.
 */
export class HostConfigError extends InvalidInputError {
  constructor(issues: ReadonlyArray<ValidationIssue>) {
    super(
      'invalid_host_config',
      `invalid host configuration: ${issues.map((i) => `${i.path} must be ${i.expected}`).join('; ')}`,
      issues,
    );
    this.name = 'HostConfigError';
  }
}

const isRecord = (v: unknown): v is Readonly<Record<string, unknown>> =>
  typeof v === 'object' && v !== null && !Array.isArray(v);
const isPositiveInt = (v: unknown): v is number => typeof v === 'number' && Number.isInteger(v) && v > 0;
const TOPIC_PREFIX = /^[A-Za-z0-9._-]*$/;
const SECRET = '<hidden>';

/**
 * Checks a host configuration and fills in its defaults. Every wrong field is reported at once,
 * in one {@link HostConfigError}; unknown fields are errors too (a typo must not pass silently).
 */
export const validateHostConfig = (
  input: unknown,
  randomId: () => string,
  otherOptions: ReadonlyArray<string> = [],
): ResolvedHostConfig => {
  const issues: ValidationIssue[] = [];
  const issue = (path: string, expected: string, actual: unknown) => issues.push({ path, expected, actual });
  if (input !== undefined && !isRecord(input))
    throw new HostConfigError([{ path: '', expected: 'an object', actual: input }]);
  const config = (input ?? {}) as Readonly<Record<string, unknown>>;
  const known = (path: string, value: Readonly<Record<string, unknown>>, keys: ReadonlyArray<string>) => {
    for (const key of Object.keys(value)) {
      if (!keys.includes(key))
        issue(`${path}${key}`, `absent (not a host option; known: ${keys.join(', ')})`, value[key]);
    }
  };
  known('', config, ['store', 'messaging', 'clock', 'roles', 'instanceId', 'runtime', ...otherOptions]);

  let store: StoreConfig = { kind: 'memory' };
  const s = config.store;
  if (s === undefined || s === 'memory') store = { kind: 'memory' };
  else if (!isRecord(s)) issue('store', "'memory' or an object with kind memory | postgres | eventstoredb", s);
  else if (s.kind === 'memory') {
    known('store.', s, ['kind', 'relay']);
    if (s.relay !== undefined && s.relay !== 'outbox' && s.relay !== 'log')
      issue('store.relay', "'outbox' or 'log'", s.relay);
    store = s as StoreConfig;
  } else if (s.kind === 'postgres') {
    known('store.', s, ['kind', 'connectionString', 'pool', 'schema', 'maxConnections', 'migrate']);
    const url = s.connectionString;
    if (url === undefined && s.pool === undefined)
      issue('store.connectionString', 'a postgres:// URL (or give store.pool)', undefined);
    if (url !== undefined && (typeof url !== 'string' || !/^postgres(ql)?:\/\//.test(url))) {
      issue('store.connectionString', 'a postgres:// or postgresql:// URL', typeof url === 'string' ? SECRET : url);
    }
    if (s.pool !== undefined && (!isRecord(s.pool) || typeof (s.pool as { query?: unknown }).query !== 'function')) {
      issue('store.pool', 'a pg Pool', typeof s.pool);
    }
    if (s.schema !== undefined && (typeof s.schema !== 'string' || !/^[a-z_][a-z0-9_]{0,62}$/.test(s.schema))) {
      issue('store.schema', 'a lower-case SQL identifier ([a-z_][a-z0-9_]*, at most 63 characters)', s.schema);
    }
    if (s.maxConnections !== undefined && !isPositiveInt(s.maxConnections)) {
      issue('store.maxConnections', 'a positive integer', s.maxConnections);
    }
    if (s.migrate !== undefined && typeof s.migrate !== 'boolean') issue('store.migrate', 'a boolean', s.migrate);
    store = s as StoreConfig;
  } else if (s.kind === 'eventstoredb') {
    known('store.', s, ['kind', 'connectionString']);
    const url = s.connectionString;
    if (typeof url !== 'string' || !/^(esdb|esdb\+discover|kurrentdb|kurrentdb\+discover):\/\//.test(url)) {
      issue('store.connectionString', 'an esdb:// connection string', typeof url === 'string' ? SECRET : url);
    }
    store = s as StoreConfig;
  } else {
    issue('store.kind', "'memory', 'postgres' or 'eventstoredb'", s.kind);
  }

  let messaging: MessagingConfig = { kind: 'memory' };
  const m = config.messaging;
  if (m === undefined || m === 'memory') messaging = { kind: 'memory' };
  else if (!isRecord(m)) issue('messaging', "'memory' or an object with kind memory | kafka", m);
  else if (m.kind === 'memory') {
    known('messaging.', m, ['kind']);
  } else if (m.kind === 'kafka') {
    known('messaging.', m, ['kind', 'brokers', 'topicPrefix', 'partitions', 'clientId', 'concurrency']);
    const brokers = m.brokers;
    if (!Array.isArray(brokers) || brokers.length === 0)
      issue('messaging.brokers', 'a non-empty list of host:port', brokers);
    else {
      brokers.forEach((b: unknown, i) => {
        if (typeof b !== 'string' || !/^[^\s:/]+:\d{1,5}$/.test(b)) issue(`messaging.brokers.${i}`, 'host:port', b);
      });
    }
    if (m.topicPrefix !== undefined && (typeof m.topicPrefix !== 'string' || !TOPIC_PREFIX.test(m.topicPrefix))) {
      issue('messaging.topicPrefix', 'letters, digits, ".", "_" or "-"', m.topicPrefix);
    }
    if (m.partitions !== undefined && !isPositiveInt(m.partitions))
      issue('messaging.partitions', 'a positive integer', m.partitions);
    if (m.clientId !== undefined && (typeof m.clientId !== 'string' || m.clientId === '')) {
      issue('messaging.clientId', 'a non-empty string', m.clientId);
    }
    messaging = m as MessagingConfig;
  } else {
    issue('messaging.kind', "'memory' or 'kafka'", m.kind);
  }

  const c = config.clock;
  let manualClock: Clock | undefined;
  if (c === undefined || c === 'real') manualClock = undefined;
  else if (isRecord(c) && typeof (c as { now?: unknown }).now === 'function') manualClock = c as unknown as Clock;
  else issue('clock', "'real' or a Clock (a ManualClock)", c);

  let roles: ReadonlySet<HostRole> = new Set(HOST_ROLES);
  const r = config.roles;
  if (r !== undefined) {
    if (!Array.isArray(r) || r.length === 0) issue('roles', `a non-empty list of ${HOST_ROLES.join(' | ')}`, r);
    else {
      r.forEach((role: unknown, i) => {
        if (!HOST_ROLES.includes(role as HostRole)) issue(`roles.${i}`, HOST_ROLES.join(' | '), role);
      });
      roles = new Set(r as HostRole[]);
    }
  }

  const id = config.instanceId;
  if (id !== undefined && (typeof id !== 'string' || !/^[A-Za-z0-9._-]{1,64}$/.test(id))) {
    issue('instanceId', 'letters, digits, ".", "_" or "-" (1 to 64)', id);
  }

  const runtime: Record<string, number> = { ...DEFAULT_RUNTIME_SETTINGS };
  const rt = config.runtime;
  if (rt !== undefined) {
    if (!isRecord(rt)) issue('runtime', 'an object', rt);
    else {
      known('runtime.', rt, Object.keys(DEFAULT_RUNTIME_SETTINGS));
      for (const [key, value] of Object.entries(rt)) {
        if (!(key in DEFAULT_RUNTIME_SETTINGS)) continue;
        if (!isPositiveInt(value)) issue(`runtime.${key}`, 'a positive integer', value);
        else runtime[key] = value;
      }
    }
  }

  if (messaging.kind === 'memory' && r !== undefined && roles.size < HOST_ROLES.length) {
    issue('roles', 'all roles with in-memory messaging (messages do not leave the process: split roles need Kafka)', r);
  }
  if (issues.length > 0) throw new HostConfigError(issues);
  return {
    store,
    messaging,
    manualClock,
    roles,
    instanceId: typeof id === 'string' ? id : randomId(),
    runtime: runtime as unknown as Required<RuntimeSettings>,
  };
};
