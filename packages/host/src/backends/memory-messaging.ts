import { createInMemoryMessageBus, type InMemoryMessageBus } from '@ordo/adapter-memory';
import type { MessagingBackend } from './messaging-backend';

/**
 * Messaging inside one process: the in-memory bus (in order, once, unless the bus given says
 * otherwise, as the simulation's does). A handler that keeps failing is retried, then its
 * message goes to the bus's dead letters and `onDeadLetter`.
 */
export const memoryMessaging = (options: {
  readonly bus?: InMemoryMessageBus;
  readonly onDeadLetter: (line: string) => void;
}): MessagingBackend & { readonly bus: InMemoryMessageBus } => {
  const bus =
    options.bus ??
    createInMemoryMessageBus({
      maxAttempts: 5,
      onDeadLetter: (d) =>
        options.onDeadLetter(
          `bus gave up on ${d.message.type} ${d.message.id} for ${d.group} after ${d.attempts} attempts: ${
            d.error instanceof Error ? (d.error.stack ?? d.error.message) : String(d.error)
          }`,
        ),
    });
  return {
    kind: 'memory',
    bus,
    publisher: bus,
    subscribe: (subscription) => bus.subscribe(subscription),
    prepare: async () => undefined,
    idle: () => bus.idle(),
    ping: async () => undefined,
    close: async () => undefined,
  };
};
