import {
  createInMemoryCheckpointStore,
  createInMemoryEventStore,
  createInMemoryInbox,
  createInMemoryOutbox,
  createInMemoryScheduler,
} from '@ordo/adapter-memory';
import { createLogRelay, createOutboxRelay } from '@ordo/kernel';
import type { FulfilmentInput } from '@ordo/domains';
import { createInMemoryProjectionStateStore } from '../workers/projection-runner';
import type { SagaSignal } from '../workers/saga-runner';
import { createPublishingSagaTimers } from '../workers/saga-timers';
import type { StoreBackend, StoreBackendContext } from './store-backend';

/**
 * The in-memory backend: the in-memory store fills the in-memory outbox in the same step as each
 * append (or, with `relay: 'log'`, the relay follows the log as on EventStoreDB); inbox,
 * checkpoints, timers and read models live in this process and end with it.
 */
export const memoryStore = (
  context: StoreBackendContext,
  options: { readonly relay?: 'outbox' | 'log' } = {},
): StoreBackend => {
  const followLog = options.relay === 'log';
  const outbox = followLog ? undefined : createInMemoryOutbox({ clock: context.clock });
  const store = createInMemoryEventStore(outbox === undefined ? {} : { outbox, outboxMessages: context.mapping });
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
      outbox === undefined
        ? createLogRelay({ store, checkpoints, name: owner, mapping: context.mapping, publisher, pollMs })
        : createOutboxRelay({ outbox, publisher, owner, batchSize: 100, leaseMs: 60_000, pollMs }),
    outboxPending: async () => (outbox === undefined ? 0 : outbox.pending()),
    ping: async () => undefined,
    close: async () => undefined,
  };
};
