import type { DependencyContainer } from './di';
import { instanceCachingFactory } from './di';
import type {
  CheckpointStore,
  Clock,
  EventStore,
  IdGenerator,
  Inbox,
  OutboxRelay,
  Publisher,
  SnapshotStore,
} from '@ordo/kernel';
import type { FulfilmentSaga, PasswordHasher, PaymentGateway, FulfilmentInput } from '@ordo/domains';
import type { MessagingBackend } from '../backends/messaging-backend';
import type { StoreBackend } from '../backends/store-backend';
import type { HostTopics } from '../messaging/topics';
import type { CommandDispatcher, CommandRoute } from '../workers/command-dispatcher';
import type { NotificationRunner } from '../workers/notification-runner';
import type { PaymentService } from '../workers/payment-service';
import type { SagaRunner } from '../workers/saga-runner';
import type { SagaTimers } from '../workers/saga-timers';
import type { ShippingSimulator } from '../workers/shipping-simulator';
import type { ResolvedHostConfig } from './host-config';
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
 * Every service the host registers, by token, each typed to a kernel port or a host worker, never
 * to an adapter's class. Resolve them from `host.container` to embed the host's pieces in your own
 * process; replace one with the `configure` option, which registers before anything is resolved.
 */
export const HostTokens = {
  /** The validated configuration (backends, roles, instance id, runtime settings). */
  Config: token<ResolvedHostConfig>('config'),
  /** The time source of every worker: the real clock, or a `ManualClock` in tests and demos. */
  Clock: token<Clock>('clock'),
  /** Ids of commands sent through `host.execute` without an explicit command id. */
  IdGenerator: token<IdGenerator>('id-generator'),
  /** Topic names under the configured prefix. */
  Topics: token<HostTopics>('topics'),
  /** The store backend: event store, outbox, inbox, checkpoints, timers, read models. */
  StoreBackend: token<StoreBackend>('store-backend'),
  /** The messaging backend: publisher and group subscriptions (in-memory bus or Kafka). */
  Messaging: token<MessagingBackend>('messaging'),
  /** The event store (its appends fill the outbox) every command handler and worker reads and writes. */
  EventStore: token<EventStore>('event-store'),
  /** The inbox: handled command ids (dispatcher) and sent notification ids. */
  Inbox: token<Inbox<unknown>>('inbox'),
  /** Checkpoints of workers that follow the log. */
  CheckpointStore: token<CheckpointStore>('checkpoint-store'),
  /** A snapshot store for handlers an embedder adds (the commerce routes keep an LRU state cache instead). */
  SnapshotStore: token<SnapshotStore>('snapshot-store'),
  /** Where the relay and the timers publish. */
  Publisher: token<Publisher>('publisher'),
  /** The saga's durable timeouts. */
  Timers: token<SagaTimers>('timers'),
  /** Hashes passwords before they reach the identity domain (scrypt by default). */
  PasswordHasher: token<PasswordHasher>('password-hasher'),
  /** The payment gateway the payment service calls (the deterministic test gateway by default). */
  PaymentGateway: token<PaymentGateway>('payment-gateway'),
  /** Records every notification sent, then forwards it to the configured sender, if any. */
  NotificationSender: token<RecordingNotificationSender>('notification-sender'),
  /** Failures of workers and command rejections, for `runUntilIdle`, health and the invariants. */
  Audit: token<HostAudit>('audit'),
  /** Calls the gateway outside any decider and records its answer. */
  PaymentService: token<PaymentService>('payment-service'),
  /** Route per command type: the domains' command handlers, plus the payment service. */
  CommandRoutes: token<Readonly<Record<string, CommandRoute>>>('command-routes'),
  /** Routes commands from the command topics, each command id once. */
  CommandDispatcher: token<CommandDispatcher>('command-dispatcher'),
  /** The fulfilment saga (with the configured timeouts). */
  FulfilmentSaga: token<FulfilmentSaga>('fulfilment-saga'),
  /** Feeds the fulfilment saga its inputs. */
  SagaRunner: token<SagaRunner<FulfilmentInput>>('saga-runner'),
  /** The simulated carrier that dispatches and delivers created shipments. */
  ShippingSimulator: token<ShippingSimulator>('shipping-simulator'),
  /** Sends each notification of order, payment and shipment events once. */
  NotificationRunner: token<NotificationRunner>('notification-runner'),
  /** Publishes what appends sent to the outbox (or, on EventStoreDB, follows the log). */
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
