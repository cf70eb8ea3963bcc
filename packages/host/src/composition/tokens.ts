import type { DependencyContainer } from './di';
import { instanceCachingFactory } from './di';
import type {
  InMemoryEventStore,
  InMemoryInbox,
  InMemoryMessageBus,
  InMemoryOutbox,
  InMemoryScheduler,
} from '@ordo/adapter-memory';
import type { CheckpointStore, Clock, IdGenerator, OutboxRelay, SnapshotStore } from '@ordo/kernel';
import type { FulfilmentInput, FulfilmentSaga, PasswordHasher, PaymentGateway } from '@ordo/domains';
import type { CommandDispatcher, CommandRoute } from '../workers/command-dispatcher';
import type { NotificationRunner } from '../workers/notification-runner';
import type { PaymentService } from '../workers/payment-service';
import type { SagaRunner, SagaSignal } from '../workers/saga-runner';
import type { ShippingSimulator } from '../workers/shipping-simulator';
import type { HostAudit } from './host-audit';
import type { HostProjections } from './host-projections';
import type { RecordingNotificationSender } from './notification-senders';

/**
 * A tsyringe injection token that remembers the type it resolves to. tsyringe's own symbol tokens
 * are untyped; this phantom type lets {@link resolveService} and {@link provideService} check both ends.
 */
export type Token<T> = symbol & { readonly __resolvesTo?: T };

const token = <T>(description: string): Token<T> => Symbol(`ordo.${description}`) as Token<T>;

/**
 * Every service the in-memory host registers, by token. Resolve them from `host.container` to
 * embed the host's pieces in your own process (an HTTP layer, another worker); replace one with
 * the host's `configure` option, which registers before anything is resolved.
 */
export const HostTokens = {
  /** The time source of every worker: the real clock, or a `ManualClock` in tests and demos. */
  Clock: token<Clock>('clock'),
  /** Ids of commands sent through `host.execute` without an explicit command id. */
  IdGenerator: token<IdGenerator>('id-generator'),
  /** The outbox the event store fills in the same step as each append. */
  Outbox: token<InMemoryOutbox>('outbox'),
  /** The event store (with outbox) every command handler and worker reads and writes. */
  EventStore: token<InMemoryEventStore>('event-store'),
  /** Where the saga dispatcher stores how far it has read the log. */
  CheckpointStore: token<CheckpointStore>('checkpoint-store'),
  /**
   * A snapshot store for handlers an embedder adds; the commerce routes keep an LRU state cache
   * instead, which is cheaper in memory.
   */
  SnapshotStore: token<SnapshotStore>('snapshot-store'),
  /** The inbox: handled command ids (dispatcher) and sent notification ids. */
  Inbox: token<InMemoryInbox>('inbox'),
  /** The message bus, in order and without duplicates (not the simulation's shuffling mode). */
  MessageBus: token<InMemoryMessageBus>('message-bus'),
  /** Holds the saga's timeouts until they fall due. */
  Scheduler: token<InMemoryScheduler<SagaSignal<FulfilmentInput>>>('scheduler'),
  /** Hashes passwords before they reach the identity domain (scrypt by default). */
  PasswordHasher: token<PasswordHasher>('password-hasher'),
  /** The payment gateway the payment service calls (the deterministic test gateway by default). */
  PaymentGateway: token<PaymentGateway>('payment-gateway'),
  /** Records every notification sent, then forwards it to the configured sender, if any. */
  NotificationSender: token<RecordingNotificationSender>('notification-sender'),
  /** Failures of workers and saga-command rejections, for `runUntilIdle` and the invariants. */
  Audit: token<HostAudit>('audit'),
  /** Calls the gateway outside any decider and records its answer. */
  PaymentService: token<PaymentService>('payment-service'),
  /** Route per command type: the domains' command handlers, plus the payment service. */
  CommandRoutes: token<Readonly<Record<string, CommandRoute>>>('command-routes'),
  /** Routes saga and worker commands, each command id once. */
  CommandDispatcher: token<CommandDispatcher>('command-dispatcher'),
  /** The fulfilment saga (with the configured timeouts). */
  FulfilmentSaga: token<FulfilmentSaga>('fulfilment-saga'),
  /** Runs the fulfilment saga: inputs, dispatch of its commands, timeouts. */
  SagaRunner: token<SagaRunner<FulfilmentInput>>('saga-runner'),
  /** The simulated carrier that dispatches and delivers created shipments. */
  ShippingSimulator: token<ShippingSimulator>('shipping-simulator'),
  /** Sends each notification of order, payment and shipment events once. */
  NotificationRunner: token<NotificationRunner>('notification-runner'),
  /** Publishes the outbox to the message bus: the kernel's relay, pumped by `runUntilIdle` (`drain`). */
  OutboxRelay: token<OutboxRelay>('outbox-relay'),
  /** The analytics and catalog read models, each with its projection runner. */
  Projections: token<HostProjections>('projections'),
} as const;

/** Resolves the service registered under a typed token (`resolveService(host.container, HostTokens.EventStore)`). */
export const resolveService = <T>(container: DependencyContainer, at: Token<T>): T => container.resolve<T>(at);

/**
 * Registers a singleton built on first resolution by `factory`, which may resolve other tokens
 * from the container it is given (lazily, inside a closure, to break a dependency cycle).
 */
export const provideService = <T>(
  container: DependencyContainer,
  at: Token<T>,
  factory: (container: DependencyContainer) => T,
): void => {
  container.register<T>(at, { useFactory: instanceCachingFactory<T>(factory) });
};
