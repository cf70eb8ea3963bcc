import { randomUUID } from 'node:crypto';
import { systemClock } from '@ordo/adapter-memory';
import { type AnyEvent, fold, rebuildProjection } from '@ordo/kernel';
import { createFulfilmentSaga, type OrderEvent, orderDecider, ordersOfCustomer, orderStreamId } from '@ordo/domains';
import { buildMessaging, buildStore } from '../backends/build-backends';
import type { MessagingBackend } from '../backends/messaging-backend';
import { commerceOutboxMapping } from '../messaging/commerce-outbox';
import { hostTopics } from '../messaging/topics';
import { hostHealth } from '../runtime/host-health-check';
import { subscribeRoles } from '../runtime/role-consumers';
import { roleWorkers } from '../runtime/role-workers';
import { checkInvariants } from '../simulation/invariants';
import type { ProjectionRunner } from '../workers/projection-runner';
import { container as rootContainer } from './di';
import { HostConfigError, validateHostConfig } from './host-config';
import { createHostAudit, describeError } from './host-audit';
import { HostStoppedError } from './host-errors';
import { HOST_SERVICE_OPTION_NAMES, type HostConfig } from './host-options';
import { projectionRunners } from './host-projections';
import { registerHostServices } from './host-services';
import type { Host } from './host';
import { createHostCommands } from './host-commands';
import { createIdlePump } from './idle-pump';
import { HostTokens as T, resolveService } from './tokens';

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
  const commands = createHostCommands({
    routes,
    ids,
    clock,
    hasher,
    ensureRunning: () => ensureRunning('execute a command'),
  });
  const manualOnly = (operation: string) => {
    if (pump === undefined) {
      throw new HostConfigError([
        { path: 'run', expected: `'manual' (with a ManualClock and in-memory messaging) to ${operation}`, actual: run },
      ]);
    }
    return pump;
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
    execute: commands.execute,
    registerCustomer: commands.registerCustomer,
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
    customerOrders: async (customerId) =>
      ordersOfCustomer((await projections.customerOrders.stored()).model, customerId),
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
