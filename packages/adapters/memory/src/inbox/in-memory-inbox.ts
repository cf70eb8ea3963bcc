import type { Inbox } from '@ordo/kernel';
import { assertValidInboxBatch, assertValidInboxKey } from '@ordo/kernel/adapter-kit';

/** An in-memory {@link Inbox} (with `handleBatch`), with a helper for tests. */
export interface InMemoryInbox extends Inbox<void> {
  handleBatch: NonNullable<Inbox<void>['handleBatch']>;
  /** Memory has no transaction: what an effect did before it threw stays done. */
  readonly rollsBackEffects: false;
  /** Ids of the messages a consumer has handled, in the order their effects completed. */
  handled(consumer: string): ReadonlyArray<string>;
}

/**
 * Creates an in-memory inbox. A message id is recorded only once its effect has resolved: if the
 * effect throws, nothing is recorded and a redelivery runs the effect again. Concurrent calls for
 * the same consumer and message wait for the one in flight, then see it as handled (or run
 * themselves if it failed), so an effect never runs twice at once. Memory has no transaction:
 * an effect that throws after changing something must undo that itself.
 *
 * `handleBatch` waits until none of its ids is in flight, then takes the fresh ones in flight
 * at once (one synchronous step), runs the effect with them and records them all when it
 * resolves, or none when it throws. A call holds ids only while its effect runs, never while it
 * waits, so batches sharing ids cannot wait on each other in a circle. `rollsBackEffects` is
 * false: a caller running several handlers in one batch effect records, rather than re-runs, the
 * ones that completed before a failure.
 */
export const createInMemoryInbox = (): InMemoryInbox => {
  const handled = new Map<string, Set<string>>();
  const order = new Map<string, string[]>();
  const inFlight = new Map<string, Map<string, Promise<void>>>();

  const isHandled = (consumer: string, id: string) => handled.get(consumer)?.has(id) === true;
  const runningOf = (consumer: string) => {
    let running = inFlight.get(consumer);
    if (running === undefined) {
      running = new Map();
      inFlight.set(consumer, running);
    }
    return running;
  };
  const record = (consumer: string, ids: ReadonlyArray<string>) => {
    let set = handled.get(consumer);
    let list = order.get(consumer);
    if (set === undefined || list === undefined) {
      set = new Set();
      list = [];
      handled.set(consumer, set);
      order.set(consumer, list);
    }
    for (const id of ids) {
      set.add(id);
      list.push(id);
    }
  };

  return {
    handleOnce: async (consumer, messageId, effect) => {
      assertValidInboxKey(consumer, messageId);
      const running = runningOf(consumer);
      for (let pending = running.get(messageId); pending !== undefined; pending = running.get(messageId)) {
        await pending;
      }
      if (isHandled(consumer, messageId)) return { duplicate: true };
      let settle: () => void = () => undefined;
      running.set(messageId, new Promise<void>((resolve) => (settle = resolve)));
      try {
        const result = await effect(undefined);
        // Recorded in the same synchronous step that ends the in-flight entry: a waiter wakes
        // up to find the id recorded.
        record(consumer, [messageId]);
        return { duplicate: false, result };
      } finally {
        running.delete(messageId);
        settle();
      }
    },
    handleBatch: async (consumer, messageIds, effect) => {
      assertValidInboxBatch(consumer, messageIds);
      const ids = [...messageIds];
      const running = runningOf(consumer);
      for (;;) {
        let pending: Promise<void> | undefined;
        for (const id of ids) {
          pending = running.get(id);
          if (pending !== undefined) break;
        }
        if (pending === undefined) break;
        await pending;
      }
      const done = handled.get(consumer);
      const fresh: string[] = [];
      const duplicates: string[] = [];
      for (const id of ids) (done?.has(id) === true ? duplicates : fresh).push(id);
      if (fresh.length === 0) return { ran: false, fresh: [], duplicates };
      let settle: () => void = () => undefined;
      const holding = new Promise<void>((resolve) => (settle = resolve));
      for (const id of fresh) running.set(id, holding);
      try {
        const result = await effect(undefined, fresh);
        record(consumer, fresh);
        return { ran: true, fresh, duplicates, result };
      } finally {
        for (const id of fresh) running.delete(id);
        settle();
      }
    },
    has: async (consumer, messageId) => {
      assertValidInboxKey(consumer, messageId);
      return isHandled(consumer, messageId);
    },
    handled: (consumer) => [...(order.get(consumer) ?? [])],
    rollsBackEffects: false,
  };
};
