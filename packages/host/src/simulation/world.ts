import { createInMemoryMessageBus, createManualClock, type SeededRandom } from '@ordo/adapter-memory';
import { fulfilmentSaga } from '@ordo/domains';
import { createHost } from '../composition/create-host';
import type { StoreConfig } from '../composition/host-config';
import { projectionRunners } from '../composition/host-projections';
import { HostTokens as T, resolveService } from '../composition/tokens';
import { createSteppedOutboxRelay } from '../workers/outbox-relay';
import type { CarrierPlan } from '../workers/shipping-simulator';
import { createGatedConsumer, type GatedConsumer } from './gated-consumer';
import { type PlantedBug, withPlantedBug } from './planted-bugs';
import { createSimulatedGateway, type GatewayBehaviour } from './simulated-gateway';

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
  /** The store the world runs on (default memory; the simulation runs on PostgreSQL too). */
  readonly store?: StoreConfig;
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

/**
 * Everything the simulation runs: the host built by `createHost`, the one composition root, on a
 * manual clock with simulated parts: a seeded bus that reorders and duplicates, a gate around
 * every consumer (so the simulation steps each delivery and crashes between effect and ack), the
 * simulated gateway and carrier, a stepped relay. The simulation drives the workers itself; the
 * host's own pump is not used.
 */
export const createWorld = async (settings: WorldSettings, random: SeededRandom) => {
  const clock = createManualClock('2024-05-01T08:00:00.000Z');
  const failures: string[] = [];
  const bus = createInMemoryMessageBus({
    seed: settings.seed,
    reorder: true,
    // Commands rely on per-key order (a stream's commands arrive as sent, as on a Kafka partition);
    // events and timer instructions may also overtake each other within one key.
    reorderWithinKey: settings.reorderWithinKey ? (topic) => !topic.endsWith('.commands') : false,
    duplicateRate: settings.duplicateRate,
    maxAttempts: 50,
    onDeadLetter: (d) =>
      failures.push(`bus gave up on ${d.message.type} ${d.message.id} for ${d.group}: ${String(d.error)}`),
  });
  const gateway = createSimulatedGateway(random.fork(), clock, settings.gateway);
  const gates: Record<string, GatedConsumer> = {};
  const workerError = (worker: string) => (error: unknown, message: { type: string; id: string }) =>
    failures.push(
      `${worker} failed on ${message.type} ${message.id}: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`,
    );
  const host = await createHost({
    store: settings.store ?? 'memory',
    messaging: 'memory',
    clock,
    run: 'manual',
    paymentGateway: gateway,
    carrierPlan: carrierPlan(settings.seed, settings.carrier),
    cacheSize: 1_000,
    simulation: {
      bus,
      saga: settings.plantedBug === undefined ? fulfilmentSaga : withPlantedBug(fulfilmentSaga, settings.plantedBug),
      backgroundPaymentCalls: true,
      wrapConsumer: (group, handle) => {
        const gate = createGatedConsumer(group, handle, workerError(group));
        gates[group] = gate;
        return gate.onMessage;
      },
    },
  });
  const c = host.container;
  const backend = resolveService(c, T.StoreBackend);
  if (backend.outbox === undefined) throw new Error('the simulation needs a store with an outbox (memory or postgres)');
  const relay = createSteppedOutboxRelay({
    outbox: backend.outbox,
    publisher: bus,
    owner: 'relay-1',
    batchSize: 20,
    leaseMs: 60_000,
  });
  const sender = resolveService(c, T.NotificationSender);
  const audit = resolveService(c, T.Audit);
  return {
    host,
    clock,
    store: resolveService(c, T.EventStore),
    outbox: backend.outbox,
    bus,
    dispatcher: resolveService(c, T.CommandDispatcher),
    gateway,
    paymentService: resolveService(c, T.PaymentService),
    timers: resolveService(c, T.Timers),
    carrier: resolveService(c, T.ShippingSimulator),
    relay,
    projections: projectionRunners(resolveService(c, T.Projections)),
    gates,
    sent: () => sender.sent(),
    rejections: () => audit.rejections(),
    failures: () => [...failures, ...audit.failures()],
  };
};

/** The simulated world. */
export type World = Awaited<ReturnType<typeof createWorld>>;
