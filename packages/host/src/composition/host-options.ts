import type { InMemoryMessageBus } from '@ordo/adapter-memory';
import type { Clock, IdGenerator, IncomingMessage } from '@ordo/kernel';
import type {
  FulfilmentSaga,
  FulfilmentTimeouts,
  NotificationSender,
  PasswordHasher,
  PaymentGateway,
  TestGatewayRules,
} from '@ordo/domains';
import type { DependencyContainer } from './di';
import type { CarrierPlan } from '../workers/shipping-simulator';
import type { HostConfigInput } from './host-config';

/** What the host's parts do and who they talk to; every one has a default. */
export interface HostServiceOptions {
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

/**
 * Hooks for the deterministic simulation (and tests that step the host by hand): a bus of its
 * own, a gate around each consumer, another saga. Production configurations leave them out.
 */
export interface HostSimulationHooks {
  /** The in-memory bus to use (the simulation's seeded one that reorders and duplicates). */
  readonly bus?: InMemoryMessageBus;
  /** Wraps each consumer's handler, by consumer group (`HostConsumerGroups`). */
  readonly wrapConsumer?: (
    group: string,
    handle: (message: IncomingMessage) => Promise<void>,
  ) => (message: IncomingMessage) => Promise<void>;
  /** The saga to run instead of the fulfilment saga built from `sagaTimeouts` (a planted bug). */
  readonly saga?: FulfilmentSaga;
  /** Gateway calls run on in the background instead of being awaited by the route (answers released by hand). */
  readonly backgroundPaymentCalls?: boolean;
}

/** The whole configuration of {@link createHost}: backends and roles, the parts' options, simulation hooks. */
export interface HostConfig extends HostConfigInput, HostServiceOptions {
  /**
   * `'auto'` (the default with the real clock): `createHost` starts every worker of its roles and
   * the host runs by itself until `stop()`. `'manual'` (the default with a manual clock): nothing
   * runs in the background; `runUntilIdle` pumps the workers (in-memory messaging only).
   */
  readonly run?: 'auto' | 'manual';
  readonly simulation?: HostSimulationHooks;
}

/** Options of `createInMemoryHost`: the in-memory preset of {@link HostConfig}. */
export interface InMemoryHostOptions extends HostServiceOptions {
  /**
   * The time source of every worker. Defaults to the real clock; pass a `ManualClock` (from
   * `@ordo/adapter-memory`) to move time by hand, so timeouts fire without waiting. The saga's
   * timeouts count from the business time the commands carry (`at`): on the real clock, date
   * commands now, or their timeouts are due at once.
   */
  readonly clock?: Clock;
  /** `'manual'` by default: `runUntilIdle` pumps the workers; `'auto'` runs them in the background. */
  readonly run?: 'auto' | 'manual';
}

/** The default carrier: every shipment leaves and arrives at once. */
export const instantCarrier = (): CarrierPlan => ({ kind: 'dispatch', afterMs: 0, deliverAfterMs: 0 });

/** Option names of {@link HostConfig} besides the ones `validateHostConfig` checks. */
export const HOST_SERVICE_OPTION_NAMES: ReadonlyArray<string> = [
  'ids',
  'gatewayRules',
  'paymentGateway',
  'passwordHasher',
  'notificationSender',
  'carrierPlan',
  'sagaTimeouts',
  'cacheSize',
  'parentContainer',
  'configure',
  'run',
  'simulation',
];
