import { createOutboxRelay, type OutboxRelay, type OutboxRelayOptions } from '@ordo/kernel';
import type { Pool } from 'pg';
import { assertPositiveMs } from '../runtime/option-checks';
import { PostgresOutbox } from './postgres-outbox';

/** Options of {@link createPostgresOutboxRelay}: the kernel relay's, with a pool instead of an outbox. */
export interface PostgresOutboxRelayOptions extends Omit<OutboxRelayOptions, 'outbox'> {
  readonly pool: Pool;
  /** Schema of the outbox tables; defaults to `ordo`. */
  readonly schema?: string;
  /** Most messages per publish; default 100. */
  readonly batchSize?: number;
  /**
   * How long a claim keeps other relays off the claimed streams; default 30 s. Must exceed the
   * time a batch takes to publish, or a second relay publishes it again (still in order, still
   * at least once, but duplicated).
   */
  readonly leaseMs?: number;
  /** Pause when nothing was pending, a positive number of ms; default 200. */
  readonly pollMs?: number;
}

/**
 * The kernel's outbox relay (`createOutboxRelay`) on a {@link PostgresOutbox} of `pool` and
 * `schema`: claims messages, publishes them in per-stream order through `publisher`, marks them.
 * Not pipelined by default (`pipeline: true` turns it on): a pipelined relay's claims ahead keep
 * renewing its buckets, so several relays split a load less evenly. Any number of relays (threads, processes, hosts) may run on one outbox;
 * they split the streams between them, and when one dies its streams pass to the others once its
 * lease expires. Delivery is at least once: a crash between publish and mark publishes the batch
 * again.
 *
 * A bad option (`schema`, `owner`, `batchSize`, `leaseMs`, `pollMs`, ...) throws
 * `InvalidInputError` `invalid_options` with an issue naming it.
 */
export const createPostgresOutboxRelay = (options: PostgresOutboxRelayOptions): OutboxRelay => {
  const { pool, schema, ...relay } = options;
  const pollMs = relay.pollMs ?? 200;
  assertPositiveMs('pollMs', pollMs);
  const outbox = new PostgresOutbox({ pool, ...(schema === undefined ? {} : { schema }) });
  return createOutboxRelay({ ...relay, pipeline: relay.pipeline ?? false, outbox, pollMs });
};
