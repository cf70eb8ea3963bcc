import {
  type AnyEvent,
  type EventStore,
  type ProjectionHandler,
  type WorkerLoop,
  createWorkerLoop,
} from '@ordo/kernel';
import { runProjectionBatch } from '@ordo/kernel/adapter-kit';
import type { Pool, PoolClient } from 'pg';
import { StaleCheckpointError } from '../checkpoints/postgres-checkpoint-store';
import { acquireLease, releaseLease } from '../leases/lease';
import { assertPositiveInt, assertPositiveMs } from '../runtime/option-checks';
import { schemaOption } from '../schema/schema-name';
import { LeaseLostError, projectionLeaseName, projectionStep } from './projection-step';
import { type RebuildResult, rebuildAsyncProjection } from './rebuild';

/** Options of {@link createAsyncProjectionRunner}. */
export interface AsyncProjectionRunnerOptions<E extends AnyEvent> {
  readonly pool: Pool;
  /** Schema of the lease and checkpoint tables; defaults to `ordo`. */
  readonly schema?: string;
  /** Where events come from (the PostgreSQL event store: its `readAll` is gap-free). */
  readonly store: Pick<EventStore<E>, 'readAll'>;
  /** The projection; its `name` is also its checkpoint and lease key. */
  readonly projection: ProjectionHandler<E, PoolClient>;
  /** Unique per running runner; the lease is taken in its name. */
  readonly owner: string;
  /** Events per batch (one transaction each); default 500. */
  readonly batchSize?: number;
  /** Lease duration, renewed before every batch; default 30 s. A batch must finish well within it. */
  readonly leaseMs?: number;
  /** Pause when caught up or when another runner holds the lease; default 200 ms. */
  readonly pollMs?: number;
  /** Told about failed batches, with the consecutive failure count (the runner keeps going, with backoff). */
  readonly onError?: (error: unknown, failures: number) => void;
}

/** A running async projection: the kernel's worker loop over {@link AsyncProjectionRunner.runOnce}. */
export interface AsyncProjectionRunner extends Pick<WorkerLoop, 'start' | 'running' | 'health'> {
  /** Stops the loop after the batch in flight, then releases the lease. */
  stop(): Promise<void>;
  /**
   * Renews (or takes) the lease and, when held, runs one batch. Answers how many events the
   * batch read; 0 when caught up, when another runner holds the lease, or when this runner lost
   * a race for the batch (nothing was committed then).
   */
  runOnce(): Promise<number>;
  /** Resets the read model (`reset`, in the same transaction as the checkpoint reset) and replays from position zero. */
  rebuild(reset: (client: PoolClient) => Promise<void>): Promise<RebuildResult>;
}

/**
 * Runs a projection handler asynchronously: each batch and its checkpoint commit in one
 * transaction. Several processes may run the same projection: a lease row per projection lets
 * one of them work at a time, and another takes over when the holder stops (stop() releases the
 * lease) or dies (its lease expires). The checkpoint compare-and-set fences a holder that stalled
 * past its lease, so a batch is never committed twice.
 *
 * A bad option (`schema`, `batchSize`, `leaseMs`, `pollMs`) throws `InvalidInputError`
 * `invalid_options` with an issue naming it.
 */
export const createAsyncProjectionRunner = <E extends AnyEvent>(
  options: AsyncProjectionRunnerOptions<E>,
): AsyncProjectionRunner => {
  const schema = schemaOption(options.schema).name;
  const batchSize = options.batchSize ?? 500;
  const leaseMs = options.leaseMs ?? 30_000;
  const pollMs = options.pollMs ?? 200;
  assertPositiveInt('batchSize', batchSize);
  assertPositiveMs('leaseMs', leaseMs);
  assertPositiveMs('pollMs', pollMs);
  const { pool, owner } = options;
  const lease = { schema, name: projectionLeaseName(options.projection.name), owner, leaseMs };
  const step = projectionStep({ pool, schema, store: options.store, projection: options.projection, owner });

  const runOnce = async (): Promise<number> => {
    if (!(await acquireLease(pool, lease))) return 0;
    try {
      return await runProjectionBatch(step, batchSize);
    } catch (error) {
      // Losing the lease or a race to another runner is failover working, not a failure.
      if (error instanceof LeaseLostError || error instanceof StaleCheckpointError) return 0;
      throw error;
    }
  };
  const worker = createWorkerLoop({
    name: `projection:${options.projection.name}:${owner}`,
    step: runOnce,
    idleMs: pollMs,
    ...(options.onError === undefined ? {} : { onError: options.onError }),
  });
  return {
    runOnce,
    start: () => worker.start(),
    async stop() {
      await worker.stop();
      await releaseLease(pool, lease);
    },
    get running() {
      return worker.running;
    },
    health: () => worker.health(),
    rebuild: (reset) =>
      rebuildAsyncProjection({
        pool,
        schema,
        store: options.store,
        projection: options.projection,
        owner,
        batchSize,
        leaseMs,
        reset,
        keepLease: worker.running,
      }),
  };
};
