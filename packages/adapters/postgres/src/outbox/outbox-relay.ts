import { type Publisher, relayOnce } from '@ordo/kernel';
import type { Pool } from 'pg';
import { assertPositiveInt, assertPositiveMs } from '../runtime/option-checks';
import { type Worker, workerLoop } from '../runtime/worker-loop';
import { PostgresOutbox } from './postgres-outbox';

/** Options of {@link createOutboxRelay}. */
export interface OutboxRelayOptions {
  readonly pool: Pool;
  /** Schema of the outbox tables; defaults to `ordo`. */
  readonly schema?: string;
  readonly publisher: Publisher;
  /** Unique per running relay (e.g. host + pid + random suffix); leases are taken in its name. */
  readonly owner: string;
  /** Most messages per claim; default 100. */
  readonly batchSize?: number;
  /**
   * How long a claim keeps other relays off the claimed streams; default 30 s. Must exceed the
   * time a batch takes to publish, or a second relay republishes it (still in order, still
   * at-least-once, but duplicated).
   */
  readonly leaseMs?: number;
  /** Pause when nothing was pending; default 200 ms. */
  readonly pollMs?: number;
  /** Told about failed passes (the relay keeps going, with backoff). */
  readonly onError?: (error: unknown) => void;
}

/** A running outbox relay. */
export interface OutboxRelay extends Worker {
  /** One pass (claim, publish, mark) without the loop; answers how many messages were published. */
  runOnce(): Promise<number>;
}

/**
 * A relay worker: claims messages of the outbox, publishes them in per-stream order, marks them.
 * Any number of relays (threads, processes, hosts) may run on one outbox; they split the streams
 * between them, and when one dies its streams pass to the others once its lease expires.
 * Delivery is at least once: a crash between publish and mark republishes the batch.
 *
 * A bad option (`schema`, `batchSize`, `leaseMs`, `pollMs`) throws `InvalidInputError`
 * `invalid_options` with an issue naming it.
 */
export const createOutboxRelay = (options: OutboxRelayOptions): OutboxRelay => {
  const batchSize = options.batchSize ?? 100;
  const leaseMs = options.leaseMs ?? 30_000;
  const pollMs = options.pollMs ?? 200;
  assertPositiveInt('batchSize', batchSize);
  assertPositiveMs('leaseMs', leaseMs);
  assertPositiveMs('pollMs', pollMs);
  const outbox = new PostgresOutbox({
    pool: options.pool,
    ...(options.schema === undefined ? {} : { schema: options.schema }),
  });
  const runOnce = () => relayOnce(outbox, options.publisher, { owner: options.owner, batchSize, leaseMs });
  const worker = workerLoop({
    step: runOnce,
    idleMs: pollMs,
    ...(options.onError === undefined ? {} : { onError: options.onError }),
  });
  return {
    runOnce,
    start: () => worker.start(),
    stop: () => worker.stop(),
    get running() {
      return worker.running;
    },
  };
};
