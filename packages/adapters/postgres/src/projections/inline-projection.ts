import { type AnyEvent, type ProjectionHandler, type RecordedEvent } from '@ordo/kernel';
import { projectionHandles } from '@ordo/kernel/adapter-kit';
import type { PoolClient } from 'pg';
import type { InTransactionHook } from '../event-store/postgres-event-store';

/**
 * An event store `inTransaction` hook that runs a projection handler on the append's own
 * transaction client, with the appended events it reads (its `eventTypes`, all by default): the
 * read model changes in the same commit as the events. A handler that throws fails the append,
 * and neither the events nor the read-model writes are stored.
 *
 * Keep inline handlers short and free of I/O outside the transaction: every append waits for
 * them, and with group commit a slow handler delays the neighbours of its append too.
 */
export const inlineProjectionHook = <E extends AnyEvent>(
  projection: ProjectionHandler<E, PoolClient>,
): InTransactionHook => {
  return async (client, appended) => {
    const events = appended.filter((e) => projectionHandles(projection, e.event.type)) as unknown as ReadonlyArray<
      RecordedEvent<E>
    >;
    if (events.length > 0) await projection.handle(events, client);
  };
};
