import type { Outbox, OutboxMessage, Publisher } from '@ordo/kernel';

/** Options of {@link createOutboxRelay}. */
export interface OutboxRelayOptions {
  readonly outbox: Outbox;
  readonly publisher: Publisher;
  /** This relay's name: its claims are its own, and it gets them back after a restart. */
  readonly owner: string;
  readonly batchSize?: number;
  readonly leaseMs?: number;
}

/** An outbox relay whose two halves can be driven one at a time (a crash can fall in between). */
export interface OutboxRelay {
  /** Claims a batch and publishes it; answers how many messages were published. */
  publish(): Promise<number>;
  /** Marks the last published batch as published; answers how many. */
  mark(): Promise<number>;
  /** True when a published batch waits to be marked. */
  holding(): boolean;
  /** Forgets the batch awaiting its mark (a crash): it is claimed and published again. */
  reset(): void;
}

/**
 * Creates a relay: claim (per-stream order kept by the outbox), publish, then mark. A crash
 * between publish and mark publishes the batch again; consumers deduplicate by message id.
 */
export const createOutboxRelay = (options: OutboxRelayOptions): OutboxRelay => {
  const batchSize = options.batchSize ?? 100;
  const leaseMs = options.leaseMs ?? 30_000;
  let held: ReadonlyArray<OutboxMessage> = [];
  return {
    publish: async () => {
      const claimed = await options.outbox.claim({ owner: options.owner, batchSize, leaseMs });
      if (claimed.length === 0) return 0;
      try {
        await options.publisher.publish(claimed);
      } catch (error) {
        await options.outbox
          .release(
            options.owner,
            claimed.map((m) => m.id),
          )
          .catch(() => undefined);
        throw error;
      }
      held = claimed;
      return claimed.length;
    },
    mark: async () => {
      const ids = held.map((m) => m.id);
      held = [];
      await options.outbox.markPublished(options.owner, ids);
      return ids.length;
    },
    holding: () => held.length > 0,
    reset: () => {
      held = [];
    },
  };
};
