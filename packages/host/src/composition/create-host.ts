import { randomUUID } from 'node:crypto';
import * as E from 'fp-ts/Either';
import { systemClock } from '@ordo/adapter-memory';
import { type AnyEvent, domainError, fold, rebuildProjection, validationError } from '@ordo/kernel';
import { createFulfilmentSaga, type OrderEvent, orderDecider, orderStreamId } from '@ordo/domains';
import { eventStoreDbStore } from '../backends/eventstoredb-store';
import { kafkaMessaging } from '../backends/kafka-messaging';
import { memoryMessaging } from '../backends/memory-messaging';
import { memoryStore } from '../backends/memory-store';
import type { MessagingBackend } from '../backends/messaging-backend';
import { postgresStore } from '../backends/postgres-store';
import type { StoreBackend, StoreBackendContext } from '../backends/store-backend';
import { commerceOutboxMapping } from '../messaging/commerce-outbox';
import { hostTopics } from '../messaging/topics';
import { hostHealth } from '../runtime/host-health-check';
import { subscribeRoles } from '../runtime/role-consumers';
import { roleWorkers } from '../runtime/role-workers';
import { checkInvariants } from '../simulation/invariants';
import type { ProjectionRunner } from '../workers/projection-runner';
import { container as rootContainer } from './di';
import { HostConfigError, type ResolvedHostConfig, validateHostConfig } from './host-config';
import { createHostAudit, describeError } from './host-audit';
import { HostStoppedError } from './host-errors';
import { HOST_SERVICE_OPTION_NAMES, type HostConfig } from './host-options';
import { projectionRunners } from './host-projections';
import { registerHostServices } from './host-services';
import type { CommerceCommand, ExecuteContext, ExecuteResult, Host } from './host';
import { createIdlePump } from './idle-pump';
import { HostTokens as T, resolveService } from './tokens';

const buildStore = async (config: ResolvedHostConfig, context: StoreBackendContext): Promise<StoreBackend> => {
  const s = config.store;
  switch (s.kind) {
    case 'memory':
      return memoryStore(context, s.relay === undefined ? {} : { relay: s.relay });
    case 'postgres':
      return postgresStore(context, {
        ...(s.connectionString === undefined ? {} : { connectionString: s.connectionString }),
        ...(s.pool === undefined ? {} : { pool: s.pool }),
        ...(s.schema === undefined ? {} : { schema: s.schema }),
        ...(s.maxConnections === undefined ? {} : { maxConnections: s.maxConnections }),
        ...(s.migrate === undefined ? {} : { migrate: s.migrate }),
      });
    case 'eventstoredb':
      return eventStoreDbStore(context, s.connectionString);
  }
};

const buildMessaging = (
  config: ResolvedHostConfig,
  options: HostConfig,
  onDeadLetter: (line: string) => void,
): MessagingBackend => {
  const m = config.messaging;
  if (m.kind === 'memory') {
    return memoryMessaging({
      ...(options.simulation?.bus === undefined ? {} : { bus: options.simulation.bus }),
      onDeadLetter,
    });
  }
  return kafkaMessaging({
    brokers: m.brokers,
    clientId: m.clientId ?? `ordo-host-${config.instanceId}`,
    partitions: m.partitions ?? 8,
    groupPrefix: m.topicPrefix ?? 'ordo.',
    onDeadLetter,
  });
};

/**
 * Creates the commerce system on the configured backends and starts the roles this process runs:
 * the one composition root of Ordo (tsyringe), for a single process on the in-memory default, for
 * PostgreSQL or EventStoreDB with Kafka across many processes, and for the simulation.
 *
 * - `store`: `'memory'` (default), `{ kind: 'postgres', connectionString | pool, schema }`, or
 *   `{ kind: 'eventstoredb', connectionString }`.
 * - `messaging`: `'memory'` (default; one process) or `{ kind: 'kafka', brokers, topicPrefix, partitions }`.
 * - `clock`: `'real'` (default: the host runs by itself) or a `ManualClock` (`runUntilIdle` pumps it).
 * - `roles`: what this process runs (default all; split roles need Kafka).
 *
 * A wrong value rejects with one {@link HostConfigError} naming every wrong field; an unreachable
 * store or broker rejects with its error and leaves nothing open.
 *
 * @example
 * const host = await createHost({
 *   store: { kind: 'postgres', connectionString: process.env.DATABASE_URL },
 *   messaging: { kind: 'kafka', brokers: ['localhost:9092'] },
 *   roles: ['api', 'saga'],
 * });
 * installShutdownHandlers(host);
 */
export const createHost = async (options: HostConfig = {}): Promise<Host> => {
  const config = validateHostConfig(options, randomUUID, HOST_SERVICE_OPTION_NAMES);
  const clock = config.manualClock ?? systemClock;
  const run = options.run ?? (config.manualClock === undefined ? 'auto' : 'manual');
  if (run !== 'auto' && run !== 'manual') {
    throw new HostConfigError([{ path: 'run', expected: "'auto' or 'manual'", actual: run }]);
  }
  if (run === 'manual' && config.messaging.kind !== 'memory') {
    throw new HostConfigError([
      { path: 'run', expected: "'auto' with Kafka (runUntilIdle needs in-memory messaging)", actual: run },
    ]);
  }
  const topics = hostTopics(config.messaging.kind === 'kafka' ? (config.messaging.topicPrefix ?? 'ordo.') : '');
  const audit = createHostAudit();
  const saga =
    options.simulation?.saga ??
    createFulfilmentSaga(options.sagaTimeouts === undefined ? {} : { timeouts: options.sagaTimeouts });
  const store = await buildStore(config, {
    clock,
    mapping: commerceOutboxMapping(topics, saga),
    onError: (error) => audit.recordIncident(`store: ${describeError(error)}`),
  });
  let messaging: MessagingBackend;
  try {
    messaging = buildMessaging(config, options, (line) => audit.recordFailure(line));
    await messaging.prepare(topics.all);
  } catch (error) {
    await store.close();
    throw error;
  }

  const container = (options.parentContainer ?? rootContainer).createChildContainer();
  registerHostServices(
    container,
    { config, clock, topics, audit, store, messaging },
    { ...options, simulation: { ...options.simulation, saga } },
  );
  options.configure?.(container);

  const ids = resolveService(container, T.IdGenerator);
  const eventStore = resolveService(container, T.EventStore);
  const routes = resolveService(container, T.CommandRoutes);
  const sender = resolveService(container, T.NotificationSender);
  const paymentService = resolveService(container, T.PaymentService);
  const hasher = resolveService(container, T.PasswordHasher);
  const projections = resolveService(container, T.Projections);
  const hooks = options.simulation ?? {};

  let subscriptions: Awaited<ReturnType<typeof subscribeRoles>>;
  try {
    subscriptions = await subscribeRoles(container, config.roles, hooks, run === 'auto');
  } catch (error) {
    await messaging.close().catch(() => undefined);
    await store.close().catch(() => undefined);
    throw error;
  }
  const workers = run === 'auto' ? roleWorkers(container, config.roles) : [];
  for (const worker of workers) worker.start();
  const pump = run === 'manual' ? createIdlePump(container) : undefined;

  let stopped = false;
  let stopping: Promise<{ timedOut: boolean; elapsedMs: number }> | undefined;
  const ensureRunning = (operation: string) => {
    if (stopped) throw new HostStoppedError(operation);
  };
  const manualOnly = (operation: string) => {
    if (pump === undefined) {
      throw new HostConfigError([
        { path: 'run', expected: `'manual' (with a ManualClock and in-memory messaging) to ${operation}`, actual: run },
      ]);
    }
    return pump;
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
    stored: (await runner.stored()).model,
    rebuilt: (await rebuildProjection(runner.projection, (o) => eventStore.readAll(o) as Promise<never>)).model,
  });

  const stop = async (stopOptions: { readonly deadlineMs?: number } = {}) => {
    stopping ??= (async () => {
      stopped = true;
      const started = performance.now();
      const deadlineMs = stopOptions.deadlineMs ?? 10_000;
      const orderly = (async () => {
        // Intake first, then what feeds on it: consumers (in-flight handlers finish, offsets are
        // committed), gateway calls, the loops, the relay last so what the rest wrote goes out.
        await Promise.all(subscriptions.map((s) => s.stop()));
        await paymentService.idle();
        await Promise.all(workers.filter((w) => w.role !== 'relay').map((w) => w.stop()));
        await Promise.all(workers.filter((w) => w.role === 'relay').map((w) => w.stop()));
        return false;
      })();
      let timer: ReturnType<typeof setTimeout> | undefined;
      const late = new Promise<boolean>((resolve) => {
        timer = setTimeout(() => resolve(true), deadlineMs);
      });
      const timedOut = await Promise.race([orderly, late]);
      clearTimeout(timer);
      await messaging
        .close()
        .catch((error: unknown) => audit.recordFailure(`closing messaging: ${describeError(error)}`));
      await store.close().catch((error: unknown) => audit.recordFailure(`closing the store: ${describeError(error)}`));
      return { timedOut, elapsedMs: Math.round(performance.now() - started) };
    })();
    return stopping;
  };

  return {
    container,
    clock,
    roles: config.roles,
    run,
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
    runUntilIdle: async (idleOptions) => {
      ensureRunning('run the workers');
      return manualOnly('runUntilIdle').run(idleOptions);
    },
    pending: async () => manualOnly('read pending work').pending(),
    nextWakeUp: async () => manualOnly('read the next wake-up').nextWakeUp(),
    orderStatus: async (orderId) => {
      const events = await eventStore.readStream(orderStreamId({ orderId }));
      return fold(
        orderDecider,
        events.map((e) => e.event as OrderEvent),
      );
    },
    rebuildProjections: async () => {
      for (const runner of projectionRunners(projections)) await runner.rebuild();
    },
    stockLevels: async () => (await projections.stockLevels.stored()).model,
    revenue: async () => (await projections.revenue.stored()).model,
    funnel: async () => (await projections.funnel.stored()).model,
    catalog: async () => (await projections.catalog.stored()).model,
    notifications: () => sender.sent(),
    checkInvariants: async () =>
      checkInvariants({
        events: await eventStore.readAll(),
        projections: await Promise.all(projectionRunners(projections).map((r) => compared(r))),
        sent: sender.sent(),
        rejections: audit.rejections(),
        failures: audit.failures(),
      }),
    health: () =>
      hostHealth({
        live: !stopped,
        config,
        store,
        messaging,
        consumers: subscriptions.map((s) => s.group),
        workers,
      }),
    stop,
  };
};
