import { createInMemoryInbox, createInMemoryScheduler } from '@ordo/adapter-memory';
import { createEventStoreDbAdapter } from '@ordo/adapter-eventstoredb';
import { createLogRelay } from '@ordo/kernel';
import type { FulfilmentInput } from '@ordo/domains';
import { createInMemoryProjectionStateStore } from '../workers/projection-runner';
import type { SagaSignal } from '../workers/saga-runner';
import { createPublishingSagaTimers } from '../workers/saga-timers';
import type { StoreBackend, StoreBackendContext } from './store-backend';

/**
 * The EventStoreDB backend. The log itself is the outbox: the relay follows `$all` from a
 * checkpoint stored in EventStoreDB and publishes what each event maps to (the same mapping the
 * other stores write with their appends), at least once. There is no transactional table beside
 * the log, so:
 * - the inbox (dispatcher rejections, sent notifications) is kept in this process: a restart
 *   forgets it; the domains still deduplicate commands by id in their streams;
 * - the saga's timers are kept in this process, and the timers role rebuilds them on every start
 *   by reading the timers topic from its beginning under a group of its own (schedules and
 *   cancellations replayed in order; a timeout that fired before fires again and the saga drops
 *   it as a duplicate);
 * - read models are kept in this process and rebuilt from the log on start.
 * One relay per deployment (no lease on EventStoreDB: run the `relay` role in one process).
 */
export const eventStoreDbStore = (context: StoreBackendContext, connectionString: string): StoreBackend => {
  const adapter = createEventStoreDbAdapter({ connectionString });
  const scheduler = createInMemoryScheduler<SagaSignal<FulfilmentInput>>({ clock: context.clock });
  return {
    kind: 'eventstoredb',
    store: adapter.eventStore,
    outbox: undefined,
    inbox: createInMemoryInbox(),
    checkpoints: adapter.checkpoints,
    timers: (publisher, signalsTopic) => createPublishingSagaTimers({ scheduler, publisher, signalsTopic }),
    readModels: () => createInMemoryProjectionStateStore(),
    relay: ({ publisher, pollMs }) =>
      createLogRelay({
        store: adapter.eventStore,
        checkpoints: adapter.checkpoints,
        name: 'ordo-host-relay',
        mapping: context.mapping,
        publisher,
        pollMs,
      }),
    outboxPending: async () => 0,
    ping: async () => void (await adapter.eventStore.readAll({ maxCount: 1 })),
    close: () => adapter.dispose(),
  };
};
