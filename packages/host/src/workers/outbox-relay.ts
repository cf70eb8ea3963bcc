import { createOutboxRelay, type Outbox, type Publisher } from '@ordo/kernel';

/** Options of {@link createSteppedOutboxRelay}. */
export interface SteppedOutboxRelayOptions {
  readonly outbox: Outbox;
  readonly publisher: Publisher;
  /** This relay's name: its claims are its own, and it gets them back after a restart. */
  readonly owner: string;
  readonly batchSize?: number;
  readonly leaseMs?: number;
}

/**
 * The kernel's outbox relay with its two halves driven one at a time, so that a simulated crash
 * can fall between them: {@link SteppedOutboxRelay.publish} runs one pass of the relay (claim,
 * publish) and holds its mark back; {@link SteppedOutboxRelay.mark} lets the mark through.
 */
export interface SteppedOutboxRelay {
  /** Claims a batch and publishes it (the relay's `runOnce`); answers how many messages were published. */
  publish(): Promise<number>;
  /** Marks the last published batch as published; answers how many. */
  mark(): Promise<number>;
  /** True when a published batch waits to be marked. */
  holding(): boolean;
  /** Forgets the batch awaiting its mark (a crash): it is claimed and published again. */
  reset(): void;
}

/**
 * Creates a stepped relay for the deterministic simulation: the kernel's `createOutboxRelay`
 * (plain passes) on an outbox whose `markPublished` is held until `mark()`. A crash between
 * publish and mark (`reset()`) publishes the batch again, as with a real relay; consumers
 * deduplicate by message id. Hosts that only pump the relay use the kernel's relay directly
 * (`runOnce`, `drain`).
 */
export const createSteppedOutboxRelay = (options: SteppedOutboxRelayOptions): SteppedOutboxRelay => {
  const { outbox } = options;
  let held: { readonly owner: string; readonly ids: ReadonlyArray<string> } | undefined;
  const holdingOutbox: Outbox = {
    claim: (claim) => outbox.claim(claim),
    release: (owner, ids) => outbox.release(owner, ids),
    pending: () => outbox.pending(),
    // The relay's mark, held back until `mark()`: the relay counts it done, the outbox has not seen it.
    markPublished: async (owner, ids) => {
      held = { owner, ids: [...ids] };
    },
  };
  const relay = createOutboxRelay({
    outbox: holdingOutbox,
    publisher: options.publisher,
    owner: options.owner,
    pipeline: false,
    ...(options.batchSize === undefined ? {} : { batchSize: options.batchSize }),
    ...(options.leaseMs === undefined ? {} : { leaseMs: options.leaseMs }),
  });
  return {
    publish: () => relay.runOnce(),
    mark: async () => {
      const batch = held;
      held = undefined;
      if (batch === undefined) return 0;
      await outbox.markPublished(batch.owner, batch.ids);
      return batch.ids.length;
    },
    holding: () => held !== undefined,
    reset: () => {
      held = undefined;
    },
  };
};
