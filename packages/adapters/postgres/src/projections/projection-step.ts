import { type AnyEvent, type EventStore, OrdoError, type ProjectionHandler } from '@ordo/kernel';
import { type AsyncProjectionStep, projectionHandles } from '@ordo/kernel/adapter-kit';
import type { Pool, PoolClient } from 'pg';
import { compareAndSetCheckpoint, loadCheckpoint } from '../checkpoints/postgres-checkpoint-store';
import { holdsLease } from '../leases/lease';
import { withTransaction } from '../runtime/transaction';

/** A batch was refused because its runner no longer holds the projection's lease. */
export class LeaseLostError extends OrdoError {
  readonly code = 'lease_lost';
  constructor(
    readonly leaseName: string,
    readonly owner: string,
  ) {
    super(`'${owner}' no longer holds the lease '${leaseName}'`);
  }
}

/** The lease a projection's runners share: one active runner per projection name. */
export const projectionLeaseName = (projection: string): string => `projection:${projection}`;

/** What {@link projectionStep} needs. */
export interface ProjectionStepOptions<E extends AnyEvent> {
  readonly pool: Pool;
  readonly schema: string;
  /** Source of events; its `readAll` must be gap-free (the PostgreSQL event store's is). */
  readonly store: Pick<EventStore<E>, 'readAll'>;
  readonly projection: ProjectionHandler<E, PoolClient>;
  readonly owner: string;
}

/**
 * The kernel's {@link AsyncProjectionStep} for PostgreSQL. `commit` is one transaction that
 * (1) checks and share-locks the runner's lease, (2) moves the checkpoint from the expected to
 * the new position (a compare-and-set that also row-locks it), (3) runs the handler on the same
 * client. Any failure rolls all three back, so the read model and the checkpoint never disagree,
 * and a runner that lost its lease or raced another runner commits nothing.
 */
export const projectionStep = <E extends AnyEvent>(options: ProjectionStepOptions<E>): AsyncProjectionStep<E> => {
  const { pool, schema, store, projection, owner } = options;
  const lease = { schema, name: projectionLeaseName(projection.name), owner };
  return {
    readAll: (range) => store.readAll(range),
    loadCheckpoint: () => loadCheckpoint(pool, schema, projection.name),
    commit: (events, checkpoint, expected) =>
      withTransaction(pool, async (client) => {
        if (!(await holdsLease(client, lease))) throw new LeaseLostError(lease.name, owner);
        await compareAndSetCheckpoint(client, schema, projection.name, expected, checkpoint);
        const relevant = events.filter((e) => projectionHandles(projection, e.event.type));
        if (relevant.length > 0) await projection.handle(relevant, client);
      }),
  };
};
