import type { Clock, IdGenerator } from '@ordo/kernel';
import type {
  FulfilmentTimeouts,
  NotificationSender,
  PasswordHasher,
  PaymentGateway,
  TestGatewayRules,
} from '@ordo/domains';
import type { DependencyContainer } from './di';
import type { CarrierPlan } from '../workers/shipping-simulator';

/** Options of `createInMemoryHost`; every one has a default. */
export interface InMemoryHostOptions {
  /**
   * The time source of every worker. Defaults to the real clock; pass a `ManualClock` (from
   * `@ordo/adapter-memory`) to move time by hand, so timeouts fire without waiting. The saga's
   * timeouts count from the business time the commands carry (`at`): on the real clock, date
   * commands now, or their timeouts are due at once.
   */
  readonly clock?: Clock;
  /** Ids of commands executed without an explicit command id; defaults to random UUIDs. */
  readonly ids?: IdGenerator;
  /**
   * Rules of the deterministic test payment gateway (which keys it declines or never answers);
   * by default it approves everything. Ignored when `paymentGateway` is given.
   */
  readonly gatewayRules?: TestGatewayRules;
  /** A payment gateway of your own, instead of the test gateway. */
  readonly paymentGateway?: PaymentGateway;
  /** Defaults to scrypt (`createScryptPasswordHasher()`); tests may pass a cheaper cost. */
  readonly passwordHasher?: PasswordHasher;
  /**
   * Where notifications go once the runner decided to send them (e-mail, console). Every sent
   * notification is also recorded for `host.notifications()`. Defaults to recording only.
   */
  readonly notificationSender?: NotificationSender;
  /**
   * What the simulated carrier does with each shipment; must be a pure function of the id.
   * Defaults to {@link instantCarrier}: picked up and delivered as soon as it is created.
   */
  readonly carrierPlan?: (shipmentId: string) => CarrierPlan;
  /** Per-step timeouts of the fulfilment saga, in milliseconds; missing ones keep the saga's defaults. */
  readonly sagaTimeouts?: Partial<FulfilmentTimeouts>;
  /** Streams whose state each command handler caches between commands (default 1000). */
  readonly cacheSize?: number;
  /**
   * The container the host registers its services in a child of; defaults to tsyringe's root
   * container. Each host has its own child, so two hosts never share a service.
   */
  readonly parentContainer?: DependencyContainer;
  /**
   * Runs on the host's container after its registrations and before anything is resolved:
   * register your own provider under a `HostTokens` token to replace the host's (the last
   * registration wins), e.g. `c.register(HostTokens.PaymentGateway, { useValue: myGateway })`.
   */
  readonly configure?: (container: DependencyContainer) => void;
}

/** The default carrier: every shipment leaves and arrives at once. */
export const instantCarrier = (): CarrierPlan => ({ kind: 'dispatch', afterMs: 0, deliverAfterMs: 0 });
