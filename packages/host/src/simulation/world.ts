import {
  createInMemoryCheckpointStore,
  createInMemoryEventStore,
  createInMemoryInbox,
  createInMemoryMessageBus,
  createInMemoryOutbox,
  createInMemoryScheduler,
  createManualClock,
  type SeededRandom,
} from '@ordo/adapter-memory';
import {
  type AnyEvent,
  type CommandFailure,
  type OutgoingMessage,
  type Projection,
  streamCategory,
} from '@ordo/kernel';
import {
  type FulfilmentInput,
  FulfilmentInputCodec,
  fulfilmentCommandRejected,
  fulfilmentSaga,
  isFulfilmentInputType,
  type Notification,
  orderFunnelProjection,
  productCatalogProjection,
  revenueProjection,
  stockLevelsProjection,
} from '@ordo/domains';
import { createCommandDispatcher, type CommandEnvelope, type DispatchOutcome } from '../workers/command-dispatcher';
import { commerceCommandRoutes } from '../workers/domain-routes';
import { createNotificationRunner } from '../workers/notification-runner';
import { createSteppedOutboxRelay } from '../workers/outbox-relay';
import { createPaymentService } from '../workers/payment-service';
import { createInMemoryProjectionStateStore, createProjectionRunner } from '../workers/projection-runner';
import { createSagaRunner, type SagaSignal } from '../workers/saga-runner';
import { type CarrierPlan, createShippingSimulator } from '../workers/shipping-simulator';
import { createGatedConsumer, type GatedConsumer } from './gated-consumer';
import { type PlantedBug, withPlantedBug } from './planted-bugs';
import { createSimulatedGateway, type GatewayBehaviour } from './simulated-gateway';

/** Topics the outbox publishes (one per stream category the workers read) and the saga's signals. */
export const TOPICS = ['order', 'inventory', 'payment', 'shipment'] as const;
export const SIGNAL_TOPIC = 'fulfilment.signals';

/** Turns the rejection of a command the fulfilment saga sent into the saga's input (bad input counts as `invalid_command`). */
export const fulfilmentRejectionInput = (
  orderId: string,
  commandId: string,
  failure: Exclude<CommandFailure, { _tag: 'ConcurrencyConflict' }>,
  at: string,
): FulfilmentInput | undefined =>
  fulfilmentCommandRejected(
    orderId,
    commandId,
    failure._tag === 'DomainError' ? failure : { code: 'invalid_command', message: failure.message },
    at,
  );

/** A fulfilment saga signal (a fired timeout, a rejected command) as a bus message, keyed by its order. */
export const fulfilmentSignalMessage = (signal: SagaSignal<FulfilmentInput>): OutgoingMessage => ({
  id: signal.messageId,
  topic: SIGNAL_TOPIC,
  key: `fulfilment-${signal.input.orderId}`,
  type: signal.input.type,
  payload: signal.input,
  headers: {},
});

/** How the simulated world behaves. */
export interface WorldSettings {
  readonly seed: number;
  readonly gateway: GatewayBehaviour;
  /** Probability that the bus delivers a handled message a second time. */
  readonly duplicateRate: number;
  /** Whether the bus also reorders the messages of one stream (not only across streams). */
  readonly reorderWithinKey: boolean;
  /** Probabilities of the carrier's plans (the rest is a prompt dispatch). */
  readonly carrier: { readonly fail: number; readonly silent: number; readonly slow: number };
  readonly plantedBug?: PlantedBug;
}

/** FNV-1a, to derive per-shipment plans from the seed without consuming the shared random. */
const hash = (s: string): number => {
  let h = 0x811c9dc5;
  for (let i = 0; i < s.length; i++) {
    h ^= s.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  return h >>> 0;
};

const carrierPlan =
  (seed: number, rates: WorldSettings['carrier']) =>
  (shipmentId: string): CarrierPlan => {
    const h = hash(`${seed}:${shipmentId}`);
    const r = (h % 10_000) / 10_000;
    const spread = (lo: number, hi: number) => lo + ((h >>> 8) % (hi - lo + 1));
    if (r < rates.fail) return { kind: 'fail', afterMs: spread(1_000, 60_000), reason: 'address_unknown' };
    if (r < rates.fail + rates.silent) return { kind: 'silent' };
    if (r < rates.fail + rates.silent + rates.slow) {
      // Leaves around the saga's shipment timeout (120 s): the cancellation and the pickup race.
      return { kind: 'dispatch', afterMs: spread(90_000, 200_000), deliverAfterMs: 30_000 };
    }
    return { kind: 'dispatch', afterMs: spread(1_000, 60_000), deliverAfterMs: spread(10_000, 100_000) };
  };

/** Everything the simulation runs, wired on the in-memory adapters. */
export const createWorld = async (settings: WorldSettings, random: SeededRandom) => {
  const clock = createManualClock('2024-05-01T08:00:00.000Z');
  const outbox = createInMemoryOutbox({ clock });
  const topics: ReadonlySet<string> = new Set(TOPICS);
  const store = createInMemoryEventStore({
    outbox,
    outboxRouting: (e) => {
      const category = streamCategory(e.streamId);
      return topics.has(category) ? { topic: category, key: e.streamId } : undefined;
    },
  });
  const failures: string[] = [];
  const bus = createInMemoryMessageBus({
    seed: settings.seed,
    reorder: true,
    reorderWithinKey: settings.reorderWithinKey,
    duplicateRate: settings.duplicateRate,
    maxAttempts: 50,
    onDeadLetter: (d) =>
      failures.push(`bus gave up on ${d.message.type} ${d.message.id} for ${d.group}: ${String(d.error)}`),
  });
  const inbox = createInMemoryInbox();
  const checkpoints = createInMemoryCheckpointStore();
  const scheduler = createInMemoryScheduler<SagaSignal<FulfilmentInput>>({ clock });

  const rejections: Array<{ type: string; code: string; commandId: string }> = [];
  const observe = (envelope: CommandEnvelope, outcome: DispatchOutcome) => {
    if (outcome.kind !== 'rejected') return;
    const code = outcome.failure._tag === 'DomainError' ? outcome.failure.code : outcome.failure._tag;
    rejections.push({ type: envelope.command.type, code, commandId: envelope.commandId });
  };

  const gateway = createSimulatedGateway(random.fork(), clock, settings.gateway);
  const paymentService = createPaymentService({
    gateway,
    clock,
    dispatcher: () => dispatcher,
    onError: (error, request) => failures.push(`payment service failed for ${request.paymentId}: ${String(error)}`),
  });
  const dispatcher = createCommandDispatcher({
    routes: {
      ...commerceCommandRoutes(store, { cacheSize: 1_000 }),
      RequestPaymentAuthorization: paymentService.route,
    },
    inbox,
    observe,
  });

  const saga = settings.plantedBug === undefined ? fulfilmentSaga : withPlantedBug(fulfilmentSaga, settings.plantedBug);
  const publishSignal = async (signal: SagaSignal<FulfilmentInput>) => {
    await bus.publish([fulfilmentSignalMessage(signal)]);
  };
  const sagaRunner = createSagaRunner({
    saga,
    store,
    dispatcher,
    scheduler,
    checkpoints,
    clock,
    inputCodec: FulfilmentInputCodec,
    rejectionInput: fulfilmentRejectionInput,
    deliver: publishSignal,
  });

  const carrier = createShippingSimulator({ dispatcher, clock, plan: carrierPlan(settings.seed, settings.carrier) });
  const sent: Notification[] = [];
  const notifications = createNotificationRunner({
    inbox,
    sender: { send: async (n) => void sent.push(n) },
  });
  const relay = createSteppedOutboxRelay({ outbox, publisher: bus, owner: 'relay-1', batchSize: 20, leaseMs: 60_000 });

  const projectionStates = createInMemoryProjectionStateStore<unknown>();
  const projections = // Each projection names its event types, so feeding it the whole log is safe.
    (
      [
        revenueProjection,
        orderFunnelProjection,
        stockLevelsProjection,
        productCatalogProjection,
      ] as unknown as ReadonlyArray<Projection<AnyEvent, unknown>>
    ).map((projection) => createProjectionRunner({ projection, store, states: projectionStates, batchSize: 50 }));

  const workerError = (worker: string) => (error: unknown, message: { type: string; id: string }) =>
    failures.push(
      `${worker} failed on ${message.type} ${message.id}: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`,
    );

  const gates: Record<'saga' | 'notifications' | 'carrier', GatedConsumer> = {
    saga: createGatedConsumer(
      'saga-inputs',
      async (message) => {
        if (isFulfilmentInputType(message.type)) await sagaRunner.handleInput(message.payload, message.id);
      },
      workerError('saga-inputs'),
    ),
    notifications: createGatedConsumer('notifications', (m) => notifications.handle(m), workerError('notifications')),
    carrier: createGatedConsumer('carrier', (m) => carrier.handle(m), workerError('carrier')),
  };
  await bus.subscribe({ topics: [...TOPICS, SIGNAL_TOPIC], group: 'fulfilment', handle: gates.saga.onMessage });
  await bus.subscribe({
    topics: ['order', 'payment', 'shipment'],
    group: 'notifications',
    handle: gates.notifications.onMessage,
  });
  await bus.subscribe({ topics: ['shipment'], group: 'carrier', handle: gates.carrier.onMessage });

  return {
    clock,
    store,
    outbox,
    bus,
    inbox,
    scheduler,
    dispatcher,
    gateway,
    paymentService,
    sagaRunner,
    carrier,
    relay,
    projections,
    gates,
    sent,
    rejections,
    failures,
  };
};

/** The simulated world. */
export type World = Awaited<ReturnType<typeof createWorld>>;
