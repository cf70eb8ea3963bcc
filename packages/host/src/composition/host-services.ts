import { randomUUID } from 'node:crypto';
import { createInMemorySnapshotStore } from '@ordo/adapter-memory';
import { type Clock, type IncomingMessage } from '@ordo/kernel';
import { createFulfilmentSaga, createTestPaymentGateway, FulfilmentInputCodec } from '@ordo/domains';
import type { MessagingBackend } from '../backends/messaging-backend';
import type { StoreBackend } from '../backends/store-backend';
import { createScryptPasswordHasher } from '../identity/scrypt-password-hasher';
import { fulfilmentRejectionInput, fulfilmentSignalMessage } from '../messaging/saga-signals';
import type { HostTopics } from '../messaging/topics';
import { createCommandDispatcher } from '../workers/command-dispatcher';
import { commerceCommandRoutes } from '../workers/domain-routes';
import { createNotificationRunner } from '../workers/notification-runner';
import { createPaymentService } from '../workers/payment-service';
import { createSagaRunner } from '../workers/saga-runner';
import { createShippingSimulator } from '../workers/shipping-simulator';
import type { DependencyContainer } from './di';
import type { ResolvedHostConfig } from './host-config';
import { type HostAudit, describeError } from './host-audit';
import { type HostConfig, instantCarrier } from './host-options';
import { createHostProjections } from './host-projections';
import { createRecordingNotificationSender } from './notification-senders';
import { HostTokens as T, provideService, resolveService } from './tokens';

/** What the host built before registering: the validated config and the two backends. */
export interface HostFoundation {
  readonly config: ResolvedHostConfig;
  readonly clock: Clock;
  readonly topics: HostTopics;
  readonly audit: HostAudit;
  readonly store: StoreBackend;
  readonly messaging: MessagingBackend;
}

/**
 * Registers every service of the host in `container` on the backends of `foundation`. Nothing is
 * built until it is resolved; each token resolves to one instance per container. The same
 * registrations serve every backend, every set of roles, and the simulation.
 */
export const registerHostServices = (
  container: DependencyContainer,
  foundation: HostFoundation,
  options: HostConfig,
): void => {
  const { config, topics, store, messaging } = foundation;
  const hooks = options.simulation ?? {};
  container.register(T.Config, { useValue: config });
  container.register(T.Clock, { useValue: foundation.clock });
  container.register(T.Topics, { useValue: topics });
  container.register(T.Audit, { useValue: foundation.audit });
  container.register(T.StoreBackend, { useValue: store });
  container.register(T.Messaging, { useValue: messaging });
  provideService(container, T.IdGenerator, () => options.ids ?? { next: () => randomUUID() });
  provideService(container, T.EventStore, (c) => resolveService(c, T.StoreBackend).store);
  provideService(container, T.Inbox, (c) => resolveService(c, T.StoreBackend).inbox);
  provideService(container, T.CheckpointStore, (c) => resolveService(c, T.StoreBackend).checkpoints);
  provideService(container, T.SnapshotStore, () => createInMemorySnapshotStore());
  provideService(container, T.Publisher, (c) => resolveService(c, T.Messaging).publisher);
  provideService(container, T.Timers, (c) =>
    resolveService(c, T.StoreBackend).timers(resolveService(c, T.Publisher), topics.signals),
  );

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
      awaitCalls: hooks.backgroundPaymentCalls !== true,
      timeoutMs: config.runtime.gatewayTimeoutMs,
      onError: (error, request) =>
        resolveService(c, T.Audit).recordFailure(
          `payment service failed for ${request.paymentId}: ${describeError(error)}`,
        ),
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

  // The fulfilment saga; its commands and timeouts leave through the outbox with its events.
  provideService(
    container,
    T.FulfilmentSaga,
    () =>
      hooks.saga ?? createFulfilmentSaga(options.sagaTimeouts === undefined ? {} : { timeouts: options.sagaTimeouts }),
  );
  provideService(container, T.SagaRunner, (c) =>
    createSagaRunner({
      saga: resolveService(c, T.FulfilmentSaga),
      store: resolveService(c, T.EventStore),
      clock: resolveService(c, T.Clock),
      inputCodec: FulfilmentInputCodec,
      cacheSize: options.cacheSize ?? 1_000,
    }),
  );

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
    resolveService(c, T.StoreBackend).relay({
      publisher: resolveService(c, T.Publisher),
      owner: `relay-${config.instanceId}`,
      pollMs: config.runtime.relayPollMs,
    }),
  );
  provideService(container, T.Projections, (c) => {
    const backend = resolveService(c, T.StoreBackend);
    return createHostProjections(resolveService(c, T.EventStore), () => backend.readModels());
  });
};

/** Publishes a rejected saga command back to the saga as a signal. */
export const publishRejection =
  (container: DependencyContainer) =>
  async (
    instanceId: string,
    commandId: string,
    failure: Parameters<typeof fulfilmentRejectionInput>[2],
  ): Promise<void> => {
    const clock = resolveService(container, T.Clock);
    const input = fulfilmentRejectionInput(instanceId, commandId, failure, clock.now().toISOString());
    if (input === undefined) return;
    const signal = resolveService(container, T.SagaRunner).signalOf(input, `rejected:${commandId}`);
    await resolveService(container, T.Publisher).publish([
      fulfilmentSignalMessage(signal, resolveService(container, T.Topics).signals),
    ]);
  };

/** A consumer handler that records what it threw before the transport retries it. */
export type ConsumerHandler = (message: IncomingMessage) => Promise<void>;
