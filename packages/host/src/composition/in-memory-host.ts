import * as E from 'fp-ts/Either';
import { container as rootContainer } from './di';
import { type AnyEvent, domainError, fold, rebuildProjection, validationError } from '@ordo/kernel';
import { isFulfilmentInputType, type OrderEvent, orderDecider, orderStreamId } from '@ordo/domains';
import { checkInvariants } from '../simulation/invariants';
import { SIGNAL_TOPIC, TOPICS } from '../simulation/world';
import type { ProjectionRunner } from '../workers/projection-runner';
import { HostStoppedError } from './host-errors';
import type { InMemoryHostOptions } from './host-options';
import type { CommerceCommand, ExecuteContext, ExecuteResult, Host } from './host';
import { createIdlePump } from './idle-pump';
import { HostConsumerGroups, registerInMemoryServices } from './in-memory-container';
import { HostTokens as T, resolveService } from './tokens';

/**
 * Creates the commerce system on the in-memory adapters: registers every service in a fresh
 * child container (see `registerInMemoryServices`), subscribes the workers to the bus, and answers
 * the {@link Host}. Nothing runs in the background: commands are handled by `execute`, the rest
 * when `runUntilIdle` pumps the workers.
 *
 * @example
 * const clock = createManualClock('2024-05-01T09:00:00.000Z');
 * const host = await createInMemoryHost({ clock, gatewayRules: { declineKeys: [/o-13$/] } });
 * await host.execute({ type: 'AddProduct', sku: 'mug', name: 'Mug', price: 1200, currency: 'EUR', at });
 * await host.runUntilIdle();
 */
export const createInMemoryHost = async (options: InMemoryHostOptions = {}): Promise<Host> => {
  const container = (options.parentContainer ?? rootContainer).createChildContainer();
  registerInMemoryServices(container, options);
  options.configure?.(container);

  const clock = resolveService(container, T.Clock);
  const ids = resolveService(container, T.IdGenerator);
  const store = resolveService(container, T.EventStore);
  const routes = resolveService(container, T.CommandRoutes);
  const bus = resolveService(container, T.MessageBus);
  const audit = resolveService(container, T.Audit);
  const sagaRunner = resolveService(container, T.SagaRunner);
  const notificationRunner = resolveService(container, T.NotificationRunner);
  const carrier = resolveService(container, T.ShippingSimulator);
  const sender = resolveService(container, T.NotificationSender);
  const paymentService = resolveService(container, T.PaymentService);
  const hasher = resolveService(container, T.PasswordHasher);
  const projections = resolveService(container, T.Projections);
  const pump = createIdlePump(container);

  // A handler that throws gets the message again (the bus retries it, then dead-letters it, which
  // the audit records and runUntilIdle reports).
  const subscriptions = [
    await bus.subscribe({
      topics: [...TOPICS, SIGNAL_TOPIC],
      group: HostConsumerGroups.saga,
      handle: async (m) => {
        if (isFulfilmentInputType(m.type)) await sagaRunner.handleInput(m.payload, m.id);
      },
    }),
    await bus.subscribe({
      topics: ['order', 'payment', 'shipment'],
      group: HostConsumerGroups.notifications,
      handle: (m) => notificationRunner.handle(m),
    }),
    await bus.subscribe({
      topics: ['shipment'],
      group: HostConsumerGroups.carrier,
      handle: (m) => carrier.handle(m),
    }),
  ];

  let stopped = false;
  const ensureRunning = (operation: string) => {
    if (stopped) throw new HostStoppedError(operation);
  };

  const execute = async (command: CommerceCommand, context: ExecuteContext = {}): Promise<ExecuteResult> => {
    ensureRunning('execute a command');
    const type = typeof command === 'object' && command !== null ? (command as { type?: unknown }).type : undefined;
    const route = typeof type === 'string' && Object.hasOwn(routes, type) ? routes[type] : undefined;
    // Only the domains' handlers are open to callers: the payment service's route is the saga's.
    if (route?.kind !== 'handler') {
      return E.left(domainError('unknown_command', `no command handler for type '${String(type)}'`, { type }));
    }
    return route.handler.handleUntrusted(command, {
      ...context,
      commandId: context.commandId ?? ids.next(),
      occurredAt: context.occurredAt ?? clock.now().toISOString(),
    });
  };

  // Each projection's stored model with the model a rebuild from position zero gives, for the invariants.
  const compared = async <Ev extends AnyEvent, M>(runner: ProjectionRunner<Ev, M>) => ({
    name: runner.name,
    stored: (await runner.current()).model,
    rebuilt: (await rebuildProjection(runner.projection, (o) => store.readAll(o) as Promise<never>)).model,
  });
  const rebuiltProjections = () =>
    Promise.all([
      compared(projections.revenue),
      compared(projections.funnel),
      compared(projections.stockLevels),
      compared(projections.catalog),
    ]);

  return {
    container,
    clock,
    execute,
    registerCustomer: async (customer, context = {}) => {
      ensureRunning('register a customer');
      const { customerId, email, password } = customer;
      if (typeof password !== 'string' || password.length === 0) {
        // The password never reaches a codec (only its hash does), so it is checked here.
        return E.left(
          validationError([{ path: 'password', expected: 'non-empty string', actual: '<hidden>' }], 'customer'),
        );
      }
      const at = customer.at ?? clock.now().toISOString();
      const base = context.commandId ?? ids.next();
      const passwordHash = await hasher.hash(password);
      const reserved = await execute(
        { type: 'ReserveEmail', email, customerId, at },
        { ...context, commandId: `${base}:reserve-email` },
      );
      if (E.isLeft(reserved)) return reserved;
      const registered = await execute(
        { type: 'RegisterCustomer', customerId, email, passwordHash, at },
        { ...context, commandId: `${base}:register` },
      );
      // Give the address back so the customer can try again, but only if this call reserved it: a
      // customer who already held it (a repeated registration) keeps it.
      if (E.isLeft(registered) && reserved.right.events.length > 0) {
        await execute(
          { type: 'ReleaseEmail', email, customerId, at },
          { ...context, commandId: `${base}:release-email` },
        );
      }
      return registered;
    },
    runUntilIdle: (idleOptions) => {
      ensureRunning('run the workers');
      return pump.run(idleOptions);
    },
    pending: pump.pending,
    nextWakeUp: pump.nextWakeUp,
    orderStatus: async (orderId) => {
      const events = await store.readStream(orderStreamId({ orderId }));
      return fold(
        orderDecider,
        events.map((e) => e.event as OrderEvent),
      );
    },
    stockLevels: async () => (await projections.stockLevels.current()).model,
    revenue: async () => (await projections.revenue.current()).model,
    funnel: async () => (await projections.funnel.current()).model,
    catalog: async () => (await projections.catalog.current()).model,
    notifications: () => sender.sent(),
    checkInvariants: async () =>
      checkInvariants({
        events: await store.readAll(),
        projections: await rebuiltProjections(),
        sent: sender.sent(),
        rejections: audit.rejections(),
        failures: audit.failures(),
      }),
    stop: async () => {
      if (stopped) return;
      stopped = true;
      for (const subscription of subscriptions) await subscription.stop();
      await paymentService.idle();
    },
  };
};
