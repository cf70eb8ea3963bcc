import {
  createInMemoryCheckpointStore,
  createInMemoryEventStore,
  createInMemoryInbox,
  createInMemoryOutbox,
  createInMemoryScheduler,
} from '@ordo/adapter-memory';
import { createOutboxRelay } from '@ordo/kernel';
import type { FulfilmentInput } from '@ordo/domains';
import { createInMemoryProjectionStateStore } from '../workers/projection-runner';
import type { SagaSignal } from '../workers/saga-runner';
import { createPublishingSagaTimers } from '../workers/saga-timers';
import type { StoreBackend, StoreBackendContext } from './store-backend';

/**
 * The in-memory backend: the in-memory store fills the in-memory outbox in the same step as each
 * append; inbox, checkpoints, timers and read models live in this process and end with it.
 */
export const memoryStore = (context: StoreBackendContext): StoreBackend => {
  const outbox = createInMemoryOutbox({ clock: context.clock });
  const store = createInMemoryEventStore({ outbox, outboxMessages: context.mapping });
  const scheduler = createInMemoryScheduler<SagaSignal<FulfilmentInput>>({ clock: context.clock });
  const inbox = createInMemoryInbox();
  const checkpoints = createInMemoryCheckpointStore();
  return {
    kind: 'memory',
    store,
    outbox,
    inbox,
    checkpoints,
    timers: (publisher, signalsTopic) => createPublishingSagaTimers({ scheduler, publisher, signalsTopic }),
    readModels: () => createInMemoryProjectionStateStore(),
    relay: ({ publisher, owner, pollMs }) =>
      createOutboxRelay({ outbox, publisher, owner, batchSize: 100, leaseMs: 60_000, pollMs }),
    outboxPending: () => outbox.pending(),
    ping: async () => undefined,
    close: async () => undefined,
  };
};
