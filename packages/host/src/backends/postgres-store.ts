import {
  createPostgresEventStore,
  createPostgresOutboxRelay,
  EXTRA_MIGRATIONS,
  outboxMessagesHook,
  PostgresCheckpointStore,
  PostgresInbox,
  PostgresJsonStateStore,
  PostgresOutbox,
  PostgresScheduler,
} from '@ordo/adapter-postgres';
import type { FulfilmentInput } from '@ordo/domains';
import pg from 'pg';
import type { ProjectionStateStore } from '../workers/projection-runner';
import type { SagaSignal } from '../workers/saga-runner';
import { applyTimerMessage, type SagaTimers } from '../workers/saga-timers';
import { fulfilmentSignalOutboxMessage } from '../messaging/saga-signals';
import { HOST_MIGRATIONS, postgresAnswers } from './postgres-answers';
import type { StoreBackend, StoreBackendContext } from './store-backend';

/** Options of {@link postgresStore}. */
export interface PostgresStoreOptions {
  /** A `postgres://` URL; the backend makes a pool of its own and ends it on close. */
  readonly connectionString?: string;
  /** A pool of your own (left open on close). */
  readonly pool?: pg.Pool;
  readonly schema?: string;
  readonly maxConnections?: number;
  /** Runs the migrations first (default true). */
  readonly migrate?: boolean;
}

/**
 * The PostgreSQL backend: one pool for everything. Appends write their events and every message
 * they send (events, saga commands, timer instructions) in one transaction; the relays split the
 * outbox's buckets by lease; the inbox records handled ids in the handler's transaction; the
 * saga's timeouts live in `ordo_scheduled_messages` and fire into the outbox in one transaction
 * (claimed with `FOR UPDATE SKIP LOCKED`, so two processes never fire one); read models live in
 * `ordo_read_models`, saved with their position by compare-and-set; the HTTP edge's answers to
 * idempotent requests live in `ordo_http_answers`, so every process replays them.
 */
export const postgresStore = async (
  context: StoreBackendContext,
  options: PostgresStoreOptions,
): Promise<StoreBackend> => {
  const schema = options.schema ?? 'ordo';
  const own = options.pool === undefined;
  const pool =
    options.pool ?? new pg.Pool({ connectionString: options.connectionString, max: options.maxConnections ?? 10 });
  // A connection that dies (server restart, failover, pg_terminate_backend) must not crash the
  // process: the pool listens for the 'error' of idle clients, and every client gets a listener of
  // its own for the time it is checked out (pg emits 'error' on it then; without a listener that
  // is an uncaught exception). The query in flight still fails and is retried by its worker.
  if (own) pool.on('error', (error) => context.onError(error));
  pool.on('connect', (client) => client.on('error', (error) => context.onError(error)));
  let store;
  try {
    store = await createPostgresEventStore({
      pool,
      schema,
      migrate: options.migrate ?? true,
      extraMigrations: [...EXTRA_MIGRATIONS, ...HOST_MIGRATIONS],
      inTransaction: [outboxMessagesHook(schema, context.mapping)],
      onError: context.onError,
    });
  } catch (error) {
    if (own) await pool.end();
    throw error;
  }
  const scheduler = new PostgresScheduler<SagaSignal<FulfilmentInput>>({ pool, schema, queue: 'fulfilment' });
  const outbox = new PostgresOutbox({ pool, schema });
  const timers = (signalsTopic: string): SagaTimers => ({
    apply: (message) => applyTimerMessage(scheduler, message),
    fire: (now) =>
      scheduler.fireDue({ now, toMessages: (entry) => [fulfilmentSignalOutboxMessage(entry.message, signalsTopic)] }),
    nextDueAt: () => scheduler.nextDueAt(),
    pending: () => scheduler.pending(),
  });
  return {
    kind: 'postgres',
    store,
    outbox,
    inbox: new PostgresInbox({ pool, schema }) as StoreBackend['inbox'],
    checkpoints: new PostgresCheckpointStore({ pool, schema }),
    timers: (_publisher, signalsTopic) => timers(signalsTopic),
    readModels: <M>(): ProjectionStateStore<M> => new PostgresJsonStateStore<M>({ pool, schema }),
    relay: ({ publisher, owner, pollMs }) => createPostgresOutboxRelay({ pool, schema, publisher, owner, pollMs }),
    outboxPending: () => outbox.pending(),
    sharedAnswers: postgresAnswers(pool, schema),
    ping: async () => void (await pool.query('SELECT 1')),
    close: async () => {
      await store.close();
      if (own) await pool.end();
    },
  };
};
