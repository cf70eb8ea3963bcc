import { type AnyEvent, type EventStore, OrdoError, type ProjectionHandler } from '@ordo/kernel';
import { runProjectionBatch } from '@ordo/kernel/adapter-kit';
import type { Pool, PoolClient } from 'pg';
import { resetCheckpoint } from '../checkpoints/postgres-checkpoint-store';
import { acquireLease, holdsLease, releaseLease } from '../leases/lease';
import { assertPositiveInt, assertPositiveMs } from '../runtime/option-checks';
import { withTransaction } from '../runtime/transaction';
import { schemaOption } from '../schema/schema-name';
import { LeaseLostError, projectionLeaseName, projectionStep } from './projection-step';

/** A rebuild could not start: another runner kept the projection's lease past the wait. */
export class LeaseHeldError extends OrdoError {
  readonly code = 'lease_held';
  constructor(readonly leaseName: string) {
    super(`lease '${leaseName}' is held by another runner`);
  }
}

/** Options of {@link rebuildAsyncProjection}. */
export interface RebuildOptions<E extends AnyEvent> {
  readonly pool: Pool;
  readonly schema?: string;
  readonly store: Pick<EventStore<E>, 'readAll'>;
  readonly projection: ProjectionHandler<E, PoolClient>;
  readonly owner: string;
  /** Empties the read model; runs in the transaction that resets the checkpoint. */
  readonly reset: (client: PoolClient) => Promise<void>;
  /** Events per batch; default 500. */
  readonly batchSize?: number;
  /** Lease duration, renewed before every batch; default 30 s. */
  readonly leaseMs?: number;
  /** How long to wait for the lease when another runner holds it; default 0 (fail at once). */
  readonly waitForLeaseMs?: number;
  /** Keep the lease afterwards (the caller goes on running the projection); default false. */
  readonly keepLease?: boolean;
}

/** What a rebuild did. */
export interface RebuildResult {
  /** Events read from position zero to the end of the log. */
  readonly events: number;
  /** Checkpoint after the rebuild; `undefined` when the log is empty. */
  readonly checkpoint: bigint | undefined;
}

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/**
 * Rebuilds an async projection from position zero under its lease: takes the lease (so no other
 * runner works meanwhile), runs `reset` and sets the checkpoint back to the start in one
 * transaction, then replays batch by batch (each batch with its checkpoint, as the runner does)
 * until caught up. A crash midway leaves a consistent, partly rebuilt model that any runner
 * continues from its checkpoint.
 *
 * For an inline projection, stop appends (or make the handler idempotent) while rebuilding:
 * inline writes do not take the lease.
 *
 * A bad option (`schema`, `batchSize`, `leaseMs`) rejects with `InvalidInputError`
 * `invalid_options` naming it, before anything is read or written.
 */
export const rebuildAsyncProjection = async <E extends AnyEvent>(
  options: RebuildOptions<E>,
): Promise<RebuildResult> => {
  const schema = schemaOption(options.schema).name;
  const batchSize = options.batchSize ?? 500;
  const leaseMs = options.leaseMs ?? 30_000;
  assertPositiveInt('batchSize', batchSize);
  assertPositiveMs('leaseMs', leaseMs);
  const { pool, projection, owner } = options;
  const lease = { schema, name: projectionLeaseName(projection.name), owner, leaseMs };

  const deadline = Date.now() + (options.waitForLeaseMs ?? 0);
  while (!(await acquireLease(pool, lease))) {
    if (Date.now() >= deadline) throw new LeaseHeldError(lease.name);
    await sleep(Math.min(200, leaseMs / 4));
  }
  try {
    await withTransaction(pool, async (client) => {
      if (!(await holdsLease(client, lease))) throw new LeaseLostError(lease.name, owner);
      await options.reset(client);
      await resetCheckpoint(client, schema, projection.name);
    });
    const step = projectionStep({ pool, schema, store: options.store, projection, owner });
    let events = 0;
    for (;;) {
      if (!(await acquireLease(pool, lease))) throw new LeaseLostError(lease.name, owner);
      const read = await runProjectionBatch(step, batchSize);
      events += read;
      if (read === 0) break;
    }
    return { events, checkpoint: await step.loadCheckpoint() };
  } finally {
    if (options.keepLease !== true) await releaseLease(pool, lease);
  }
};
