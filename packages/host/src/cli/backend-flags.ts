/**
 * The flags that name the backends (store, PostgreSQL and EventStoreDB URLs, Kafka brokers,
 * topic prefix, roles), shared by the commands that open them, and how they become the host's
 * `store` / `messaging` / `roles` configuration. Every one reads its `ORDO_*` variable.
 */
import {
  HOST_ROLES,
  type HostConfigError,
  type HostRole,
  type MessagingConfig,
  type StoreConfig,
} from '../composition/host-config';
import { UsageError } from './errors';
import type { FlagSpec, ParsedArgs } from './flags';

/** The store kinds `--store` takes. */
export const STORE_KINDS = ['memory', 'postgres', 'eventstoredb'] as const;

/** Flags of the store. */
export const storeFlags: ReadonlyArray<FlagSpec> = [
  {
    name: 'store',
    kind: 'string',
    choices: STORE_KINDS,
    placeholder: 'KIND',
    description: 'where events live',
    defaultText: 'postgres with --database-url, eventstoredb with --eventstoredb-url, else memory',
    env: true,
  },
  {
    name: 'database-url',
    kind: 'string',
    placeholder: 'URL',
    description: 'postgres:// URL of the PostgreSQL store (never printed)',
    env: true,
    secret: true,
  },
  {
    name: 'schema',
    kind: 'string',
    placeholder: 'NAME',
    description: 'PostgreSQL schema of the Ordo tables',
    defaultText: 'ordo',
    env: true,
  },
  {
    name: 'eventstoredb-url',
    kind: 'string',
    placeholder: 'URL',
    description: 'esdb:// connection string of the EventStoreDB store (never printed)',
    env: true,
    secret: true,
  },
];

/** Flags of Kafka. */
export const kafkaFlags: ReadonlyArray<FlagSpec> = [
  {
    name: 'kafka-brokers',
    kind: 'list',
    placeholder: 'HOST:PORT,...',
    description: 'Kafka brokers; without them messages stay in this process',
    env: true,
  },
  {
    name: 'topic-prefix',
    kind: 'string',
    placeholder: 'PREFIX',
    description: 'put in front of every topic name',
    defaultText: 'ordo.',
    env: true,
  },
];

/** The `--roles` flag. */
export const rolesFlag: FlagSpec = {
  name: 'roles',
  kind: 'list',
  choices: HOST_ROLES,
  placeholder: 'ROLE,...',
  description: 'roles this process runs (split roles need Kafka)',
  defaultText: 'all',
  env: true,
};

const POSTGRES_URL = /^postgres(ql)?:\/\//;
const ESDB_URL = /^(esdb|esdb\+discover|kurrentdb|kurrentdb\+discover):\/\//;
const SCHEMA = /^[a-z_][a-z0-9_]{0,62}$/;
const BROKER = /^[^\s:/]+:\d{1,5}$/;
const TOPIC_PREFIX = /^[A-Za-z0-9._-]*$/;

/** Options of {@link storeConfigFrom}. */
export interface StoreFlagOptions {
  /** The command needs a store that outlives the process (`verify`): memory is refused. */
  readonly persistent?: boolean;
  /** PostgreSQL: run the migrations on start (default true). */
  readonly migrate?: boolean;
}

/** The store kind the flags name (`--store`, or what the URL given says). */
export const storeKindFrom = (args: ParsedArgs): (typeof STORE_KINDS)[number] => {
  const kind = args.string('store');
  if (kind !== undefined) return kind as (typeof STORE_KINDS)[number];
  const pg = args.has('database-url');
  const esdb = args.has('eventstoredb-url');
  if (pg && esdb) {
    throw new UsageError(
      `${args.source('database-url')} and ${args.source('eventstoredb-url')} are both set: say which store with --store`,
    );
  }
  return pg ? 'postgres' : esdb ? 'eventstoredb' : 'memory';
};

/** The PostgreSQL URL the flags give, checked; a {@link UsageError} naming the flag when missing or wrong. */
export const databaseUrlFrom = (args: ParsedArgs, why = '--store postgres: '): string => {
  const url = args.string('database-url');
  if (url === undefined) throw new UsageError(`${why}--database-url (or ORDO_DATABASE_URL) is needed`);
  if (!POSTGRES_URL.test(url)) {
    throw new UsageError(`${args.source('database-url')} must be a postgres:// or postgresql:// URL (value hidden)`);
  }
  return url;
};

/** The PostgreSQL schema the flags give, checked (default `ordo`). */
export const schemaFrom = (args: ParsedArgs): string => {
  const schema = args.string('schema') ?? 'ordo';
  if (!SCHEMA.test(schema)) {
    throw new UsageError(
      `${args.source('schema')} must be a lower-case SQL identifier ([a-z_][a-z0-9_]*), got '${schema}'`,
    );
  }
  return schema;
};

/** The host's `store` configuration from the flags. */
export const storeConfigFrom = (args: ParsedArgs, options: StoreFlagOptions = {}): StoreConfig => {
  const kind = storeKindFrom(args);
  const mismatch = (flag: string, needs: string) => {
    if (args.has(flag) && args.source(flag).startsWith('--'))
      throw new UsageError(`--${flag} is for --store ${needs}, not --store ${kind}`);
  };
  switch (kind) {
    case 'memory':
      if (options.persistent === true) {
        throw new UsageError(
          `a store that outlives the process is needed: --store postgres --database-url URL (or --store eventstoredb)`,
        );
      }
      mismatch('database-url', 'postgres');
      mismatch('eventstoredb-url', 'eventstoredb');
      mismatch('schema', 'postgres');
      return { kind: 'memory' };
    case 'postgres':
      mismatch('eventstoredb-url', 'eventstoredb');
      return {
        kind: 'postgres',
        connectionString: databaseUrlFrom(args),
        schema: schemaFrom(args),
        ...(options.migrate === undefined ? {} : { migrate: options.migrate }),
      };
    case 'eventstoredb': {
      mismatch('database-url', 'postgres');
      mismatch('schema', 'postgres');
      const url = args.string('eventstoredb-url');
      if (url === undefined)
        throw new UsageError('--store eventstoredb needs --eventstoredb-url (or ORDO_EVENTSTOREDB_URL)');
      if (!ESDB_URL.test(url))
        throw new UsageError(`${args.source('eventstoredb-url')} must be an esdb:// connection string (value hidden)`);
      return { kind: 'eventstoredb', connectionString: url };
    }
  }
};

/** The Kafka brokers the flags give, each checked as host:port; `undefined` when none. */
export const brokersFrom = (args: ParsedArgs): ReadonlyArray<string> | undefined => {
  const brokers = args.list('kafka-brokers');
  if (brokers === undefined) return undefined;
  for (const b of brokers) {
    if (!BROKER.test(b)) throw new UsageError(`${args.source('kafka-brokers')}: '${b}' is not host:port`);
  }
  return brokers;
};

/** The topic prefix the flags give, checked (default `ordo.`). */
export const topicPrefixFrom = (args: ParsedArgs): string => {
  const prefix = args.string('topic-prefix') ?? 'ordo.';
  if (!TOPIC_PREFIX.test(prefix)) {
    throw new UsageError(
      `${args.source('topic-prefix')} may hold only letters, digits, '.', '_' and '-', got '${prefix}'`,
    );
  }
  return prefix;
};

/** The host's `messaging` configuration from the flags: Kafka when brokers are given, else memory. */
export const messagingConfigFrom = (args: ParsedArgs): MessagingConfig => {
  const brokers = brokersFrom(args);
  if (brokers === undefined) {
    if (args.has('topic-prefix') && args.source('topic-prefix').startsWith('--')) {
      throw new UsageError('--topic-prefix needs --kafka-brokers (in-memory topics have no prefix)');
    }
    return { kind: 'memory' };
  }
  return { kind: 'kafka', brokers, topicPrefix: topicPrefixFrom(args) };
};

/** The roles the flags give (`undefined`: all); leaving roles out needs Kafka. */
export const rolesFrom = (args: ParsedArgs, messaging: MessagingConfig): ReadonlyArray<HostRole> | undefined => {
  const roles = args.list('roles') as ReadonlyArray<HostRole> | undefined;
  if (roles === undefined) return undefined;
  if (messaging.kind === 'memory' && new Set(roles).size < HOST_ROLES.length) {
    throw new UsageError(
      `${args.source('roles')} leaves roles out, which needs --kafka-brokers: in-memory messages never leave the process`,
    );
  }
  return roles;
};

const FLAG_OF_PATH: ReadonlyArray<readonly [RegExp, string]> = [
  [/^store\.connectionString/, '--database-url / --eventstoredb-url'],
  [/^store\.schema/, '--schema'],
  [/^store/, '--store'],
  [/^messaging\.brokers/, '--kafka-brokers'],
  [/^messaging\.topicPrefix/, '--topic-prefix'],
  [/^roles/, '--roles'],
];

/** A {@link HostConfigError} as a {@link UsageError} naming the flags behind its fields. */
export const usageErrorOf = (error: HostConfigError): UsageError =>
  new UsageError(
    error.issues
      .map((i) => {
        const flag = FLAG_OF_PATH.find(([path]) => path.test(i.path))?.[1];
        return `${flag ?? i.path} must be ${i.expected}`;
      })
      .join('; '),
  );
