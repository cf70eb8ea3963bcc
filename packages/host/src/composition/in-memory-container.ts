import { randomUUID } from 'node:crypto';
import type { DependencyContainer } from './di';
import {
  createInMemoryCheckpointStore,
  createInMemoryEventStore,
  createInMemoryInbox,
  createInMemoryMessageBus,
  createInMemoryOutbox,
  createInMemoryScheduler,
  createInMemorySnapshotStore,
  systemClock,
} from '@ordo/adapter-memory';
import { createOutboxRelay, streamCategory } from '@ordo/kernel';
import {
  createFulfilmentSaga,
  createTestPaymentGateway,
  type FulfilmentInput,
  FulfilmentInputCodec,
} from '@ordo/domains';
import { createScryptPasswordHasher } from '../identity/scrypt-password-hasher';
import { fulfilmentRejectionInput, fulfilmentSignalMessage, TOPICS } from '../simulation/world';
import { createCommandDispatcher } from '../workers/command-dispatcher';
import { commerceCommandRoutes } from '../workers/domain-routes';
import { createNotificationRunner } from '../workers/notification-runner';
import { createPaymentService } from '../workers/payment-service';
import { createSagaRunner, type SagaSignal } from '../workers/saga-runner';
import { createShippingSimulator } from '../workers/shipping-simulator';
import { createHostAudit, describeError } from './host-audit';
import { type InMemoryHostOptions, instantCarrier } from './host-options';
import { createHostProjections } from './host-projections';
import { createRecordingNotificationSender } from './notification-senders';
import { HostTokens as T, provideService, resolveService } from './tokens';

/** Bus consumer groups of the host, one per worker that reads the bus. */
export const HostConsumerGroups = {
  saga: 'fulfilment',
  notifications: 'notifications',
  carrier: 'carrier',
} as const;

/**
 * Registers every service of the in-memory host in `container`: the same wiring as the
 * simulation's world (`simulation/world.ts`) with production settings: a bus that delivers in
 * order and once, the test gateway answering by rule instead of at random, an instant carrier, and
 * the real clock unless another is given. Nothing is built until it is resolved; each token
 * resolves to one instance per container.
 */
export const registerInMemoryServices = (container: DependencyContainer, options: InMemoryHostOptions = {}): void => {
  provideService(container, T.Clock, () => options.clock ?? systemClock);
  provideService(container, T.IdGenerator, () => options.ids ?? { next: () => randomUUID() });
  provideService(container, T.Audit, () => createHostAudit());

  // Storage: the outbox is filled in the same step as each append. Only the categories a worker
  // reads leave through it (the same topics as the simulation).
  provideService(container, T.Outbox, (c) => createInMemoryOutbox({ clock: resolveService(c, T.Clock) }));
  provideService(container, T.EventStore, (c) => {
    const topics: ReadonlySet<string> = new Set(TOPICS);
    return createInMemoryEventStore({
      outbox: resolveService(c, T.Outbox),
      outboxRouting: (e) => {
        const category = streamCategory(e.streamId);
        return topics.has(category) ? { topic: category, key: e.streamId } : undefined;
      },
    });
  });
  provideService(container, T.CheckpointStore, () => createInMemoryCheckpointStore());
  provideService(container, T.SnapshotStore, () => createInMemorySnapshotStore());
  provideService(container, T.Inbox, () => createInMemoryInbox());
  provideService(container, T.Scheduler, (c) =>
    createInMemoryScheduler<SagaSignal<FulfilmentInput>>({ clock: resolveService(c, T.Clock) }),
  );

  // Messaging: in order, no duplicates; a handler that keeps failing is retried, then reported.
  provideService(container, T.MessageBus, (c) => {
    const audit = resolveService(c, T.Audit);
    return createInMemoryMessageBus({
      maxAttempts: 5,
      onDeadLetter: (d) =>
        audit.recordFailure(
          `bus gave up on ${d.message.type} ${d.message.id} for ${d.group} after ${d.attempts} attempts: ${describeError(d.error)}`,
        ),
    });
  });

  // Ports to the outside world.
  provideService(container, T.PasswordHasher, () => options.passwordHasher ?? createScryptPasswordHasher());
  provideService(
    container,
    T.PaymentGateway,
    () => options.paymentGateway ?? createTestPaymentGateway(options.gatewayRules ?? {}),
  );
  provideService(container, T.NotificationSender, () => createRecordingNotificationSender(options.notificationSender));

  // Command handling: one handler per decider, and the payment service for gateway calls. The
  // service and the dispatcher need each other: the service resolves the dispatcher when it calls.
  provideService(container, T.PaymentService, (c) =>
    createPaymentService({
      gateway: resolveService(c, T.PaymentGateway),
      clock: resolveService(c, T.Clock),
      dispatcher: () => resolveService(c, T.CommandDispatcher),
      onError: (error, request) =>
        resolveService(c, T.Audit).recordFailure(`payment service failed for ${request.paymentId}: ${String(error)}`),
    }),
  );
  provideService(container, T.CommandRoutes, (c) => ({
    ...commerceCommandRoutes(resolveService(c, T.EventStore), { cacheSize: options.cacheSize ?? 1_000 }),
    RequestPaymentAuthorization: resolveService(c, T.PaymentService).route,
  }));
  provideService(container, T.CommandDispatcher, (c) => {
    const audit = resolveService(c, T.Audit);
    return createCommandDispatcher({
      routes: resolveService(c, T.CommandRoutes),
      inbox: resolveService(c, T.Inbox),
      observe: (envelope, outcome) => {
        if (outcome.kind !== 'rejected') return;
        const code = outcome.failure._tag === 'DomainError' ? outcome.failure.code : outcome.failure._tag;
        audit.recordRejection({ type: envelope.command.type, code, commandId: envelope.commandId });
      },
    });
  });

  // The fulfilment saga. Rejections and due timeouts travel on the bus like every other input.
  provideService(container, T.FulfilmentSaga, () =>
    createFulfilmentSaga(options.sagaTimeouts === undefined ? {} : { timeouts: options.sagaTimeouts }),
  );
  provideService(container, T.SagaRunner, (c) => {
    const bus = resolveService(c, T.MessageBus);
    return createSagaRunner({
      saga: resolveService(c, T.FulfilmentSaga),
      store: resolveService(c, T.EventStore),
      dispatcher: resolveService(c, T.CommandDispatcher),
      scheduler: resolveService(c, T.Scheduler),
      checkpoints: resolveService(c, T.CheckpointStore),
      clock: resolveService(c, T.Clock),
      inputCodec: FulfilmentInputCodec,
      rejectionInput: fulfilmentRejectionInput,
      deliver: async (signal) => {
        await bus.publish([fulfilmentSignalMessage(signal)]);
      },
    });
  });

  // The other workers.
  provideService(container, T.ShippingSimulator, (c) =>
    createShippingSimulator({
      dispatcher: resolveService(c, T.CommandDispatcher),
      clock: resolveService(c, T.Clock),
      plan: options.carrierPlan ?? instantCarrier,
    }),
  );
  provideService(container, T.NotificationRunner, (c) =>
    createNotificationRunner({ inbox: resolveService(c, T.Inbox), sender: resolveService(c, T.NotificationSender) }),
  );
  provideService(container, T.OutboxRelay, (c) =>
    createOutboxRelay({
      outbox: resolveService(c, T.Outbox),
      publisher: resolveService(c, T.MessageBus),
      owner: 'relay-1',
      batchSize: 100,
      leaseMs: 60_000,
    }),
  );
  provideService(container, T.Projections, (c) => createHostProjections(resolveService(c, T.EventStore)));
};
