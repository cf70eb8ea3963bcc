import {
  type AnyEvent,
  type AppendOptions,
  type AppendResult,
  type EventStore,
  type ExpectedVersion,
  InvalidInputError,
  type NewEvent,
  type ReadAllOptions,
  type ReadStreamOptions,
  type RecordedEvent,
  type SubscribeOptions,
  type Subscription,
  WrongExpectedVersionError,
  describeValue,
  invalidOptionError,
} from '@ordo/kernel';
import {
  assertValidReadAllOptions,
  assertValidReadStreamOptions,
  assertValidStreamId,
  catchUpSubscription,
  isExpectedVersion,
} from '@ordo/kernel/adapter-kit';
import pg, { type Pool, type PoolClient, type QueryConfig } from 'pg';

import { ORDO_TYPES } from '../runtime/pg-types';
import { type MigrateOptions, migrate } from '../schema/migrate';
import { type SchemaName, schemaOption } from '../schema/schema-name';
import { AppendNotifications, notificationChannel } from './append-notifications';
import { type AppendRequest, encodeExpected, toAppendRequest } from './append-request';
import { type AppendRow, appendOutcome, appendStatement, recordedEvents } from './append-statement';
import { type AppendOutcome, type GroupCommitOptions, GroupCommitQueue } from './group-commit';

/**
 * Runs inside an append's transaction, after its events are written and before COMMIT, on the
 * transaction's own connection (outbox rows, inline projections). Throwing rolls that append back
 * and rejects it with the thrown error; the other appends of its group are written without it.
 *
 * - `appended` holds this append's events as recorded (versions and global positions included);
 *   hooks are not called for an idempotent retry that writes nothing.
 * - The transaction holds the store's write lock, so whatever a hook writes is ordered exactly
 *   like the events (a sequence drawn in a hook is gap-free in commit order, too). Keep hooks
 *   short: every other append of the store waits for them.
 * - A hook may run more than once for one append: when a neighbour's hook fails, the group is
 *   rolled back and written again without that neighbour. Only the committed run's writes remain,
 *   so hooks must have no effects outside the transaction.
 * - Never COMMIT or ROLLBACK on the client, and do not keep it after the promise settles.
 */
export type InTransactionHook = (client: PoolClient, appended: ReadonlyArray<RecordedEvent>) => Promise<void>;

/** Options of {@link PostgresEventStore}. */
export interface PostgresEventStoreOptions {
  /** Connection pool; the store never ends it (unless it made it from `connectionString`). */
  readonly pool: Pool;
  /** Schema holding the store's tables; validated (`invalid_options` at `schema`). Defaults to `ordo`. */
  readonly schema?: string;
  /** Largest serialised event (data + metadata) accepted, in bytes. Defaults to the kernel's 8 MiB. */
  readonly maxEventBytes?: number;
  /** Hooks run inside every append transaction, in order (see {@link InTransactionHook}). */
  readonly inTransaction?: ReadonlyArray<InTransactionHook>;
  /** Group-commit tuning. */
  readonly groupCommit?: GroupCommitOptions;
  /** Longest a live subscription waits without a notification before it polls. Default 500 ms. */
  readonly pollIntervalMs?: number;
  /**
   * Wake subscriptions with LISTEN/NOTIFY (default true). Turn it off behind a transaction-pooling
   * proxy, where LISTEN does not work: subscriptions then poll every `pollIntervalMs`.
   */
  readonly listen?: boolean;
  /** Receives background problems (the LISTEN connection dropping); they never lose events. */
  readonly onError?: (error: unknown) => void;
}

/** Options of {@link PostgresEventStore.deleteStream}. */
export interface DeleteStreamOptions {
  /** Defaults to `'any'`. */
  readonly expectedVersion?: ExpectedVersion;
}

/** Options of {@link createPostgresEventStore}: a pool or a connection string, and migration. */
export type CreatePostgresEventStoreOptions = Omit<PostgresEventStoreOptions, 'pool'> & {
  /** Use this pool... */
  readonly pool?: Pool;
  /** ...or make one from this connection string (ended by `close()`). */
  readonly connectionString?: string;
  /** Pool size when the store makes its own pool. Default 10. */
  readonly maxConnections?: number;
  /** Run `migrate` first (default true). */
  readonly migrate?: boolean;
  /** Extra migrations (versions >= 100) applied with the core ones. */
  readonly extraMigrations?: MigrateOptions['extra'];
};

const MAX_BIGINT = '9223372036854775807';

interface EventRow {
  readonly global_position: string;
  readonly stream_id: string;
  readonly stream_version: string;
  readonly data: AnyEvent;
  readonly metadata: RecordedEvent['metadata'];
}

/**
 * The event store port on PostgreSQL (`pg`), with group commit and a gap-free `$all` order.
 *
 * - Appends: validated (kernel `assertValidAppend` plus what PostgreSQL cannot store), then queued;
 *   concurrent appends are coalesced into one call of the `ordo_append` function (one statement,
 *   one round trip, one transaction, one WAL flush) that checks every append's expected version
 *   and the idempotency rule in SQL and answers per append, so a conflict or duplicate only fails
 *   its own append. All four expectations (`any`, `no_stream`, `stream_exists`, exact) are
 *   enforced by the database under the store's write lock; `any` never conflicts.
 * - Global order: positions are drawn under a transaction-scoped advisory lock held to COMMIT,
 *   so they increase strictly in commit order and `readAll({ after })` never skips an event
 *   that commits later (the full argument is on migration 1 in `schema/core-migrations.ts`).
 * - Tenants: every event's `metadata.tenantId` is stored in `tenant_id`; reads given a
 *   `tenantId` filter in SQL and never return another tenant's events.
 * - Soft delete: {@link deleteStream}.
 * - Subscriptions: the kernel's catch-up loop over `readAll`, woken by LISTEN/NOTIFY with a
 *   polling fallback.
 * - Data is stored as `jsonb`: values round-trip structurally (key order is not kept).
 *
 * Call {@link migrate} (or use {@link createPostgresEventStore}) before the first use.
 */
export class PostgresEventStore implements EventStore {
  readonly schema: SchemaName;
  private readonly pool: Pool;
  private readonly hooks: ReadonlyArray<InTransactionHook>;
  private readonly maxEventBytes: number | undefined;
  private readonly queue: GroupCommitQueue;
  private readonly notifications: AppendNotifications;
  private readonly onClose: Array<() => Promise<void>> = [];
  private readonly subscriptions = new Set<Subscription>();
  private closed = false;
  private readonly sql: ReturnType<typeof readQueries>;

  constructor(options: PostgresEventStoreOptions) {
    this.schema = schemaOption(options.schema);
    this.pool = options.pool;
    this.hooks = [...(options.inTransaction ?? [])];
    this.maxEventBytes = options.maxEventBytes;
    this.queue = new GroupCommitQueue((group) => this.writeGroup(group), options.groupCommit);
    this.notifications = new AppendNotifications(this.pool, notificationChannel(this.schema), {
      listen: options.listen ?? true,
      ...(options.pollIntervalMs === undefined ? {} : { pollIntervalMs: options.pollIntervalMs }),
      ...(options.onError === undefined ? {} : { onError: options.onError }),
    });
    this.sql = readQueries(this.schema);
  }

  /** Group-commit counters: groups written and the appends they carried. */
  get writeStats(): { readonly groups: number; readonly appends: number } {
    return this.queue.stats;
  }

  /** True while the LISTEN connection that wakes subscriptions is up (it opens on the first wait). */
  get listening(): boolean {
    return this.notifications.listening;
  }

  /** Registers cleanup run by {@link close} (used by {@link createPostgresEventStore} to end its own pool). */
  addCloseHandler(handler: () => Promise<void>): void {
    this.onClose.push(handler);
  }

  async appendToStream(
    streamId: string,
    events: ReadonlyArray<NewEvent>,
    options: AppendOptions = {},
  ): Promise<AppendResult> {
    const request = toAppendRequest(
      streamId,
      events,
      options.expectedVersion,
      this.maxEventBytes === undefined ? {} : { maxEventBytes: this.maxEventBytes },
    );
    if (this.closed) throw new Error('ordo: the event store is closed');
    return this.queue.submit(request);
  }

  async readStream(streamId: string, options: ReadStreamOptions = {}): Promise<ReadonlyArray<RecordedEvent>> {
    assertValidStreamId(streamId);
    assertValidReadStreamOptions(options); // the kernel's one rule: invalid_read_options naming the option
    const direction = options.direction ?? 'forwards';
    const from = options.fromVersion;
    const limit = options.maxCount ?? null;
    if (limit === 0) return [];
    const tenant = options.tenantId;
    const forwards = direction === 'forwards';
    const bound = from === undefined ? (forwards ? '0' : MAX_BIGINT) : from.toString();
    const values: unknown[] = [streamId, bound, limit];
    if (tenant !== undefined) values.push(tenant);
    const name = `${forwards ? 'fwd' : 'back'}${tenant === undefined ? '' : '_tenant'}` as const;
    const rows = await this.query<EventRow>({ ...this.sql.readStream[name], values });
    return rows.map((row) => ({
      streamId,
      streamVersion: BigInt(row.stream_version),
      globalPosition: BigInt(row.global_position),
      event: row.data,
      metadata: row.metadata,
    }));
  }

  /**
   * Events after `after` in global order (see the class comment for why none is ever skipped).
   * Without `maxCount` every remaining event comes back in one query: page with `maxCount` on a
   * large store.
   */
  async readAll(options: ReadAllOptions = {}): Promise<ReadonlyArray<RecordedEvent>> {
    assertValidReadAllOptions(options); // the kernel's one rule: `after` >= 0n (-1n is refused, not clamped)
    const after = options.after;
    const limit = options.maxCount ?? null;
    if (limit === 0) return [];
    const tenant = options.tenantId;
    const values: unknown[] = [after === undefined ? '0' : after.toString(), limit];
    if (tenant !== undefined) values.push(tenant);
    const rows = await this.query<EventRow>({
      ...(tenant === undefined ? this.sql.readAll.all : this.sql.readAll.tenant),
      values,
    });
    return rows.map(toRecorded);
  }

  subscribeToAll(options: SubscribeOptions): Subscription {
    if (this.closed) throw new Error('ordo: the event store is closed');
    let seen = this.notifications.generation;
    const subscription = catchUpSubscription(
      {
        readAll: (o) => {
          seen = this.notifications.generation;
          return this.readAll(o);
        },
        waitForAppend: (signal) => this.notifications.wait(seen, signal),
      },
      options,
    );
    this.subscriptions.add(subscription);
    void subscription.done.catch(() => undefined).finally(() => this.subscriptions.delete(subscription));
    return subscription;
  }

  /**
   * Soft-deletes a stream. Afterwards `readStream` answers `[]`, the stream counts as absent for
   * expected versions (`no_stream` succeeds, `stream_exists` fails), and a new append starts it
   * again at revision 0. `readAll` and subscriptions keep the deleted events (history stays
   * append-only; positions never disappear), as EventStoreDB keeps them in `$all` until a
   * scavenge. Unlike EventStoreDB, revisions restart at 0 rather than continuing: every Ordo
   * reader, the command handler included, treats a stream that reads empty as `no_stream`.
   *
   * Resolves `true` when a stream was deleted, `false` when there was none; rejects with
   * {@link WrongExpectedVersionError} when `expectedVersion` does not hold.
   */
  async deleteStream(streamId: string, options: DeleteStreamOptions = {}): Promise<boolean> {
    assertValidStreamId(streamId);
    const expected = options.expectedVersion ?? 'any';
    if (!isExpectedVersion(expected)) {
      throw new InvalidInputError('invalid_expected_version', `invalid expectedVersion ${describeValue(expected)}`, [
        { path: 'expectedVersion', expected: 'ExpectedVersion', actual: expected },
      ]);
    }
    const rows = await this.query<{ status: number; actual_version: string }>({
      name: `ordo_delete_stream:${this.schema.name}`,
      text: `SELECT status, actual_version FROM ${this.schema.quoted}.ordo_delete_stream($1, $2)`,
      values: [streamId, encodeExpected(expected).toString()],
      types: ORDO_TYPES,
    });
    const row = rows[0];
    if (!row) throw new Error('ordo_delete_stream answered nothing');
    if (row.status === 2) {
      const actual = BigInt(row.actual_version);
      throw new WrongExpectedVersionError(streamId, expected, actual < 0n ? 'no_stream' : actual);
    }
    return row.status === 0;
  }

  /**
   * Stops subscriptions and the listener, waits for queued appends to finish, then runs close
   * handlers. Appends after close reject.
   */
  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    await Promise.all([...this.subscriptions].map((s) => s.stop()));
    await this.queue.drain();
    await this.notifications.close();
    for (const handler of this.onClose) await handler();
  }

  /** Writes one group; see {@link GroupCommitQueue}. */
  private async writeGroup(group: ReadonlyArray<AppendRequest>): Promise<ReadonlyArray<AppendOutcome>> {
    const outcomes =
      this.hooks.length === 0 ? await this.writeGroupAutocommit(group) : await this.writeGroupWithHooks(group);
    if (outcomes.some((o) => o.ok)) this.notifications.bump();
    return outcomes;
  }

  /** Without hooks the call of `ordo_append` is the whole transaction: one round trip. */
  private async writeGroupAutocommit(group: ReadonlyArray<AppendRequest>): Promise<ReadonlyArray<AppendOutcome>> {
    try {
      const result = await this.pool.query<AppendRow>(appendStatement(this.schema, group));
      return group.map((request, i) => appendOutcome(request, result.rows[i]));
    } catch (error) {
      return this.isolateDataError(group, error, (g) => this.writeGroupAutocommit(g));
    }
  }

  /**
   * With hooks: BEGIN, `ordo_append`, the hooks of each written append, COMMIT. A hook that
   * throws rolls the transaction back; its append fails with that error and the group is written
   * again without it.
   */
  private async writeGroupWithHooks(group: ReadonlyArray<AppendRequest>): Promise<ReadonlyArray<AppendOutcome>> {
    const outcomes: Array<AppendOutcome | undefined> = group.map(() => undefined);
    let members = group.map((request, index) => ({ request, index }));
    while (members.length > 0) {
      const attempt = await this.attemptWithHooks(members.map((m) => m.request));
      if (attempt.kind === 'hook_failed') {
        outcomes[members[attempt.member]!.index] = { ok: false, error: attempt.error };
        members = members.filter((_, i) => i !== attempt.member);
        continue;
      }
      const results =
        attempt.kind === 'committed'
          ? members.map((m, i) => appendOutcome(m.request, attempt.rows[i]))
          : await this.isolateDataError(
              members.map((m) => m.request),
              attempt.error,
              (g) => this.writeGroupWithHooks(g),
            ).catch((error: unknown) => members.map((): AppendOutcome => ({ ok: false, error })));
      members.forEach((m, i) => {
        outcomes[m.index] = results[i];
      });
      members = [];
    }
    return outcomes.map((o) => o ?? { ok: false, error: new Error('ordo: append left without an outcome') });
  }

  /** One transaction of {@link writeGroupWithHooks}; never throws. */
  private async attemptWithHooks(
    requests: ReadonlyArray<AppendRequest>,
  ): Promise<
    | { readonly kind: 'committed'; readonly rows: ReadonlyArray<AppendRow> }
    | { readonly kind: 'hook_failed'; readonly member: number; readonly error: unknown }
    | { readonly kind: 'failed'; readonly error: unknown }
  > {
    let client: PoolClient;
    try {
      client = await this.pool.connect();
    } catch (error) {
      return { kind: 'failed', error };
    }
    // Errors also arrive as events on a checked-out client (a terminated backend): they must
    // not crash the process; the failing query reports them.
    const ignore = () => undefined;
    client.on('error', ignore);
    let discard: Error | undefined;
    try {
      await client.query('BEGIN ISOLATION LEVEL READ COMMITTED');
      const { rows } = await client.query<AppendRow>(appendStatement(this.schema, requests));
      for (let i = 0; i < requests.length; i++) {
        const row = rows[i];
        const appended = row === undefined ? [] : recordedEvents(requests[i]!, row);
        if (appended.length === 0) continue;
        for (const hook of this.hooks) {
          try {
            await hook(client, appended);
          } catch (error) {
            await client.query('ROLLBACK');
            return { kind: 'hook_failed', member: i, error };
          }
        }
      }
      await client.query('COMMIT');
      return { kind: 'committed', rows };
    } catch (error) {
      await client.query('ROLLBACK').catch((e: unknown) => {
        discard = e instanceof Error ? e : new Error(String(e));
      });
      return { kind: 'failed', error };
    } finally {
      client.removeListener('error', ignore);
      client.release(discard);
    }
  }

  /**
   * A group the server rejected for its data (an error PostgreSQL found that validation did not):
   * write each append alone so that only the offending one fails, with an `InvalidInputError`.
   * Any other error fails the whole group (rethrown).
   */
  private async isolateDataError(
    group: ReadonlyArray<AppendRequest>,
    error: unknown,
    write: (group: ReadonlyArray<AppendRequest>) => Promise<ReadonlyArray<AppendOutcome>>,
  ): Promise<ReadonlyArray<AppendOutcome>> {
    if (!isDataError(error)) throw error;
    if (group.length === 1) {
      const message = error instanceof Error ? error.message : String(error);
      return [
        {
          ok: false,
          error: new InvalidInputError('not_serialisable', `PostgreSQL rejected the append: ${message}`, [
            { path: 'events', expected: 'data PostgreSQL can store', actual: sqlStateOf(error) },
          ]),
        },
      ];
    }
    const outcomes: AppendOutcome[] = [];
    for (const request of group) outcomes.push(...(await write([request])));
    return outcomes;
  }

  private async query<R extends object>(config: QueryConfig): Promise<R[]> {
    return (await this.pool.query<R>({ ...config, types: ORDO_TYPES })).rows;
  }
}

/**
 * Creates the schema if needed (`migrate`, unless `migrate: false`) and answers a ready store.
 * With `connectionString` the store makes its own pool and ends it on `close()`. Bad options
 * (neither `pool` nor `connectionString`, a bad `schema` or `groupCommit` value) reject with
 * `InvalidInputError` `invalid_options`, with an issue naming the option.
 */
export const createPostgresEventStore = async (
  options: CreatePostgresEventStoreOptions,
): Promise<PostgresEventStore> => {
  const { pool: given, connectionString, maxConnections, migrate: shouldMigrate, extraMigrations, ...rest } = options;
  let pool = given;
  let own = false;
  if (pool === undefined) {
    if (connectionString === undefined) throw invalidOptionError('pool', 'a pg.Pool, or a connectionString', given);
    pool = new pg.Pool({ connectionString, max: maxConnections ?? 10 });
    // An idle connection that dies (server restart, pg_terminate_backend) must not crash the process.
    pool.on('error', (error) => rest.onError?.(error));
    own = true;
  }
  try {
    if (shouldMigrate !== false) {
      await migrate(pool, {
        ...(rest.schema === undefined ? {} : { schema: rest.schema }),
        ...(extraMigrations === undefined ? {} : { extra: extraMigrations }),
      });
    }
  } catch (error) {
    if (own) await pool.end();
    throw error;
  }
  const store = new PostgresEventStore({ ...rest, pool });
  if (own) {
    const owned = pool;
    store.addCloseHandler(() => owned.end());
  }
  return store;
};

const toRecorded = (row: EventRow): RecordedEvent => ({
  streamId: row.stream_id,
  streamVersion: BigInt(row.stream_version),
  globalPosition: BigInt(row.global_position),
  event: row.data,
  metadata: row.metadata,
});

const readQueries = (schema: SchemaName) => {
  const q = schema.quoted;
  const n = schema.name;
  const streamCols = `SELECT stream_version, global_position, data, metadata FROM ${q}.ordo_events`;
  const fwd = `WHERE stream_id = $1 AND NOT deleted AND stream_version >= $2::bigint`;
  const back = `WHERE stream_id = $1 AND NOT deleted AND stream_version <= $2::bigint`;
  const allCols = `SELECT global_position, stream_id, stream_version, data, metadata FROM ${q}.ordo_events`;
  return {
    readStream: {
      fwd: { name: `ordo_rs_f:${n}`, text: `${streamCols} ${fwd} ORDER BY stream_version LIMIT $3` },
      fwd_tenant: {
        name: `ordo_rs_ft:${n}`,
        text: `${streamCols} ${fwd} AND tenant_id = $4 ORDER BY stream_version LIMIT $3`,
      },
      back: { name: `ordo_rs_b:${n}`, text: `${streamCols} ${back} ORDER BY stream_version DESC LIMIT $3` },
      back_tenant: {
        name: `ordo_rs_bt:${n}`,
        text: `${streamCols} ${back} AND tenant_id = $4 ORDER BY stream_version DESC LIMIT $3`,
      },
    },
    readAll: {
      all: {
        name: `ordo_ra:${n}`,
        text: `${allCols} WHERE global_position > $1::bigint ORDER BY global_position LIMIT $2`,
      },
      tenant: {
        name: `ordo_ra_t:${n}`,
        text: `${allCols} WHERE global_position > $1::bigint AND tenant_id = $3 ORDER BY global_position LIMIT $2`,
      },
    },
  } as const;
};

const sqlStateOf = (error: unknown): string | undefined => {
  const code = (error as { code?: unknown } | null)?.code;
  return typeof code === 'string' ? code : undefined;
};

/** SQLSTATE class 22 (data exception) or 54 (program limit exceeded): the input, not the server. */
const isDataError = (error: unknown): boolean => {
  const code = sqlStateOf(error);
  return code !== undefined && (code.startsWith('22') || code.startsWith('54'));
};
