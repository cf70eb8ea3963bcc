import { type Inbox, InvalidInputError } from '@ordo/kernel';

/** An in-memory {@link Inbox}, with a helper for tests. */
export interface InMemoryInbox extends Inbox<void> {
  /** Ids of the messages a consumer has handled, in the order their effects completed. */
  handled(consumer: string): ReadonlyArray<string>;
}

/** `invalid_consumer` / `invalid_message_id`, as every inbox adapter answers. */
const assertId = (value: unknown, path: 'consumer' | 'messageId'): void => {
  if (typeof value !== 'string' || value.length === 0) {
    const code = path === 'consumer' ? 'invalid_consumer' : 'invalid_message_id';
    throw new InvalidInputError(code, `${path} must be a non-empty string`, [
      { path, expected: 'non-empty string', actual: value },
    ]);
  }
};

/**
 * Creates an in-memory inbox. A message id is recorded only once its effect has resolved: if the
 * effect throws, nothing is recorded and a redelivery runs the effect again. Concurrent calls for
 * the same consumer and message wait for the one in flight, then see it as handled (or run
 * themselves if it failed), so an effect never runs twice at once. Memory has no transaction:
 * an effect that throws after changing something must undo that itself.
 */
export const createInMemoryInbox = (): InMemoryInbox => {
  const handled = new Map<string, Set<string>>();
  const order = new Map<string, string[]>();
  const inFlight = new Map<string, Map<string, Promise<void>>>();

  const isHandled = (consumer: string, id: string) => handled.get(consumer)?.has(id) === true;

  return {
    handleOnce: async (consumer, messageId, effect) => {
      assertId(consumer, 'consumer');
      assertId(messageId, 'messageId');
      let running = inFlight.get(consumer);
      if (running === undefined) {
        running = new Map();
        inFlight.set(consumer, running);
      }
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
        let ids = handled.get(consumer);
        if (ids === undefined) {
          ids = new Set();
          handled.set(consumer, ids);
          order.set(consumer, []);
        }
        ids.add(messageId);
        order.get(consumer)!.push(messageId);
        return { duplicate: false, result };
      } finally {
        running.delete(messageId);
        settle();
      }
    },
    has: async (consumer, messageId) => {
      assertId(consumer, 'consumer');
      assertId(messageId, 'messageId');
      return isHandled(consumer, messageId);
    },
    handled: (consumer) => [...(order.get(consumer) ?? [])],
  };
};
