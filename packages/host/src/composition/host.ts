import type * as E from 'fp-ts/Either';
import type { DependencyContainer } from './di';
import type { AnyEvent, Clock, CommandContext, CommandFailure, CommandSuccess } from '@ordo/kernel';
import type {
  CatalogCommand,
  CustomerCommand,
  EmailReservationCommand,
  InventoryCommand,
  Notification,
  OrderCommand,
  OrderFunnel,
  OrderSummary,
  OrderState,
  PaymentCommand,
  ProductCatalog,
  RevenueModel,
  ShipmentCommand,
  StockLevels,
} from '@ordo/domains';
import type { InvariantResult } from '../simulation/invariants';
import type { HostHealth, StopOptions, StopReport } from '../runtime/host-health';
import type { HostRole } from './host-config';
import type { PendingWork } from './host-errors';
import type { IdleOptions, IdleReport } from './idle-pump';

/** Any command of the commerce domains that `Host.execute` routes to a command handler. */
export type CommerceCommand =
  | CatalogCommand
  | InventoryCommand
  | OrderCommand
  | PaymentCommand
  | ShipmentCommand
  | CustomerCommand
  | EmailReservationCommand;

/**
 * Who/when of one executed command; everything is optional. `commandId` makes the command
 * idempotent (executing the same id again appends nothing): pass one when you may retry.
 */
export type ExecuteContext = Partial<CommandContext>;

/** What `Host.execute` answers: the kernel command handler's result. */
export type ExecuteResult = E.Either<CommandFailure, CommandSuccess<AnyEvent, unknown>>;

/** A new customer for {@link Host.registerCustomer}. */
export interface NewCustomer {
  readonly customerId: string;
  readonly email: string;
  /** The clear-text password: hashed by the host's PasswordHasher, never stored. */
  readonly password: string;
  /** When the customer registered (ISO-8601); defaults to the host's clock. */
  readonly at?: string;
}

/**
 * The commerce system as a service: the domains' command handlers, the fulfilment saga, payment
 * service, carrier, notifications and analytics, wired in a tsyringe container on the configured
 * store and messaging, running the configured roles.
 *
 * Commands are handled at once; everything downstream of them (the saga, the gateway, the
 * carrier, notifications, read models) travels through the outbox and the messaging. A running
 * host (`run: 'auto'`) does that by itself; a manual one when {@link Host.runUntilIdle} pumps the
 * workers. Read models answer as of the last projection step.
 */
export interface Host {
  /** The container holding every service by `HostTokens`: `resolveService` from it to embed the host's pieces. */
  readonly container: DependencyContainer;
  /** The clock the workers read (a `ManualClock` you passed, or the real clock). */
  readonly clock: Clock;
  /** The roles this process runs. */
  readonly roles: ReadonlySet<HostRole>;
  /** `'auto'`: the workers run in the background; `'manual'`: `runUntilIdle` pumps them. */
  readonly run: 'auto' | 'manual';
  /**
   * Decodes and handles one command with its domain's command handler. Bad input is a
   * `ValidationError` naming the field, a broken rule a `DomainError` with its code; in both
   * cases nothing is written. A command of an unknown type is a `DomainError` `unknown_command`.
   * `occurredAt` defaults to the clock, `commandId` to a fresh id.
   */
  execute(command: CommerceCommand, context?: ExecuteContext): Promise<ExecuteResult>;
  /**
   * Registers a customer: hashes the password, reserves the e-mail address (unique whatever its
   * case or surrounding spaces: a taken address is a `DomainError` `email_taken`), then opens the
   * account; if that fails the address is released again. With a `commandId`, a retry is safe.
   */
  registerCustomer(customer: NewCustomer, context?: ExecuteContext): Promise<ExecuteResult>;
  /**
   * Pumps the workers until none has anything left to do at the clock's current time (see
   * `createIdlePump`); saga timeouts fire only once everything else is done, so an answer
   * already on its way wins over its timeout. Throws `HostNotSettledError` after `maxSteps` busy
   * rounds, and `HostWorkerError` when a worker failed. It does not move the clock: to let
   * timeouts fire, advance your `ManualClock` and run again. Only on a manual host with
   * in-memory messaging (`HostModeError` otherwise).
   */
  runUntilIdle(options?: IdleOptions): Promise<IdleReport>;
  /** What is still waiting (outbox, gateway calls, timeouts, carrier actions due). */
  pending(): Promise<PendingWork>;
  /** When the next timeout or carrier action falls due, if any: run again at or after it. */
  nextWakeUp(): Promise<Date | undefined>;
  /** The order's state, straight from its stream (`{ status: 'none' }` for an unknown order). */
  orderStatus(orderId: string): Promise<OrderState>;
  /**
   * Forgets every read model and folds the whole log again (a running host's projection loops
   * do it in the background; a manual one on the next run). Answers once the models are reset.
   */
  rebuildProjections(): Promise<void>;
  /** Stock per sku (`received = available + reserved + shipped`), as of the last run. */
  stockLevels(): Promise<StockLevels>;
  /** Revenue per day and per sku, as of the last run. */
  revenue(): Promise<RevenueModel>;
  /** The order funnel with cancellation reasons, as of the last run. */
  funnel(): Promise<OrderFunnel>;
  /** The product catalog, as of the last run. */
  catalog(): Promise<ProductCatalog>;
  /** One customer's orders with their status, oldest first, as of the last run. */
  customerOrders(customerId: string): Promise<ReadonlyArray<OrderSummary>>;
  /** Every notification sent, in order (each notification id once). */
  notifications(): ReadonlyArray<Notification>;
  /**
   * Checks the global invariants of the commerce system (every order Completed or Cancelled,
   * stock and money conserved, projections equal a rebuild, each notification sent once...) on
   * the whole log. Meaningful once the host is idle and no timeout is pending.
   */
  checkInvariants(): Promise<ReadonlyArray<InvariantResult>>;
  /**
   * Store and broker reachable, each worker alive and not failing past its bound, the outbox not
   * lagging past its bound: what `/health/ready` serves.
   */
  health(): Promise<HostHealth>;
  /**
   * Shuts down within a deadline: stops intake (then every call throws `HostStoppedError`),
   * stops the consumers (handlers in flight finish, offsets are committed), the loops and the
   * relay (marks flushed, claims given back), waits for gateway calls, and closes pools and
   * clients. Past the deadline it closes what is left anyway and reports `timedOut`.
   */
  stop(options?: StopOptions): Promise<StopReport>;
}
