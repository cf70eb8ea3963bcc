import { createSeededRandom, type SeededRandom } from '@ordo/adapter-memory';
import { rebuildProjection } from '@ordo/kernel';
import type {
  CatalogCommand,
  CustomerCommand,
  EmailReservationCommand,
  FulfilmentEvent,
  InventoryCommand,
  OrderCommand,
} from '@ordo/domains';
import { checkInvariants, type InvariantResult } from './invariants';
import type { PlantedBug } from './planted-bugs';
import type { GatewayBehaviour } from './simulated-gateway';
import type { StoreConfig } from '../composition/host-config';
import { createStepScheduler } from './step-scheduler';
import { createWorld, type World } from './world';

/** Options of {@link runSimulation}; everything but `seed` has a default. */
export interface SimulationOptions {
  readonly seed: number;
  /** Orders placed over the run (default 25). */
  readonly orders?: number;
  /** Registered customers placing them (default 8). */
  readonly customers?: number;
  /** Products on sale (default 5). */
  readonly skus?: number;
  /** Stock received per sku as a share of the expected demand (default: drawn per seed in 0.5..1.3). */
  readonly stockRatio?: number;
  /** Worker crashes allowed over the run (default 8). */
  readonly crashes?: number;
  readonly gateway?: Partial<GatewayBehaviour>;
  /** Probability that the bus delivers a message twice (default 0.15). */
  readonly duplicateRate?: number;
  /** A bug to plant in the saga, to show the simulation finds it. */
  readonly plantedBug?: PlantedBug;
  /** Steps after which a run that is still busy counts as livelocked (default 400 per order + 5000). */
  readonly maxSteps?: number;
  /** The store to run on (default memory). */
  readonly store?: StoreConfig;
}

/** What one seed did, and what it broke. */
export interface SimulationReport {
  readonly seed: number;
  readonly ok: boolean;
  /** The first broken invariant and its first violation, or `undefined`. */
  readonly failure?: string;
  readonly invariants: ReadonlyArray<InvariantResult>;
  readonly orders: number;
  readonly completed: number;
  readonly cancelled: number;
  /** Why orders were cancelled, by reason (counts). */
  readonly cancelReasons: Readonly<Record<string, number>>;
  readonly steps: number;
  readonly crashes: Readonly<Record<string, number>>;
  readonly events: number;
  readonly deliveries: number;
  /** Deliveries of a message already delivered (bus duplicates, redeliveries after crashes). */
  readonly redeliveries: number;
  readonly timeoutsFired: number;
  /** Answers that arrived after compensation started and were undone. */
  readonly lateAnswers: number;
  readonly gateway: Readonly<Record<string, number>>;
  readonly rejections: Readonly<Record<string, number>>;
  /** Simulated time covered, in seconds. */
  readonly simulatedSeconds: number;
  readonly elapsedMs: number;
}

/** The command that replays one seed with the same options. */
export const replayCommand = (options: SimulationOptions): string => {
  const parts = [`npm run sim -- --seed ${options.seed}`];
  if (options.orders !== undefined) parts.push(`--orders ${options.orders}`);
  if (options.plantedBug !== undefined) parts.push(`--planted-bug ${options.plantedBug}`);
  return parts.join(' ');
};

/** The line printed for a failing seed. */
export const failureLine = (report: SimulationReport, options: SimulationOptions): string =>
  `SEED ${report.seed} failed: ${report.failure ?? 'unknown'}; replay: ${replayCommand(options)}`;

const onNextTurn = (resolve: () => void): void => void setImmediate(resolve);
/** Lets the bus pumps and the payment service's continuations run to completion. */
const settle = () => new Promise<void>(onNextTurn);

const PASSWORD_HASH = 'scrypt$simulated$0000';

/** Registers customers, adds products and receives stock, straight through the dispatcher. */
const setUp = async (
  world: World,
  random: SeededRandom,
  o: Required<Pick<SimulationOptions, 'customers' | 'skus' | 'orders' | 'stockRatio'>>,
) => {
  const at = world.clock.now().toISOString();
  const send = async (
    command: CatalogCommand | InventoryCommand | EmailReservationCommand | CustomerCommand,
    commandId: string,
  ) => {
    const outcome = await world.dispatcher.dispatch({ command, commandId, occurredAt: at });
    if (outcome.kind === 'rejected')
      throw new Error(`set-up command ${commandId} rejected: ${outcome.failure.message}`);
  };
  const prices: number[] = [];
  // Expected demand per sku: orders x 2 lines x 2 units on average, spread over the skus.
  const demand = (o.orders * 2 * 2) / o.skus;
  for (let i = 0; i < o.skus; i++) {
    const sku = `sku-${i}`;
    const price = 100 * (1 + random.int(50));
    prices.push(price);
    await send({ type: 'AddProduct', sku, name: `Product ${i}`, price, currency: 'EUR', at }, `setup:product:${sku}`);
    const quantity = Math.max(1, Math.round(demand * o.stockRatio * (0.5 + random.next())));
    await send({ type: 'ReceiveStock', sku, quantity, at }, `setup:stock:${sku}`);
  }
  for (let i = 0; i < o.customers; i++) {
    const customerId = `c-${i}`;
    const email = `customer${i}@example.com`;
    await send({ type: 'ReserveEmail', email, customerId, at }, `setup:email:${customerId}`);
    await send(
      { type: 'RegisterCustomer', customerId, email, passwordHash: PASSWORD_HASH, at },
      `setup:customer:${customerId}`,
    );
  }
  return prices;
};

/**
 * Runs the whole commerce system under one seed on the in-memory adapters: customers place
 * orders against limited stock while a seeded scheduler interleaves the workers (outbox relay,
 * bus deliveries out of order and twice, saga inputs and dispatch, timeouts, gateway answers and
 * silences, the carrier, projections, notifications), crashes and restarts workers mid-flight, and
 * moves the manual clock. One seed is one exact interleaving. Once nothing is left to do, every
 * invariant is checked.
 */
export const runSimulation = async (options: SimulationOptions): Promise<SimulationReport> => {
  const started = performance.now();
  const orders = options.orders ?? 25;
  const customers = options.customers ?? 8;
  const skus = options.skus ?? 5;
  const maxSteps = options.maxSteps ?? orders * 400 + 5_000;
  const random = createSeededRandom(options.seed);
  const world = await createWorld(
    {
      seed: options.seed,
      gateway: { decline: 0.08, silent: 0.06, slow: 0.08, ...options.gateway },
      duplicateRate: options.duplicateRate ?? 0.15,
      reorderWithinKey: random.chance(0.5),
      carrier: { fail: 0.07, silent: 0.04, slow: 0.06 },
      ...(options.plantedBug === undefined ? {} : { plantedBug: options.plantedBug }),
      ...(options.store === undefined ? {} : { store: options.store }),
    },
    random,
  );
  try {
    return await simulate(world, random, options, started, { orders, customers, skus, maxSteps });
  } finally {
    await world.host.stop();
  }
};

const simulate = async (
  world: World,
  random: SeededRandom,
  options: SimulationOptions,
  started: number,
  o: { readonly orders: number; readonly customers: number; readonly skus: number; readonly maxSteps: number },
): Promise<SimulationReport> => {
  const { orders, customers, skus, maxSteps } = o;
  const prices = await setUp(world, random, {
    customers,
    skus,
    orders,
    stockRatio: options.stockRatio ?? 0.5 + 0.8 * random.next(),
  });
  await settle();

  const { clock } = world;
  const startMs = clock.nowMs();
  let placed = 0;
  let nextOrderAtMs = startMs;
  // How fast business time runs against the work: on a fast clock the saga's own timeouts fire
  // while answers are still on their way (late reservations and captures).
  const pace = random.next();
  const clockWeight = 0.3 + 1.5 * pace * pace;
  const clockStepMs = 2_000 + random.int(6_000);

  const placeOrder = async () => {
    const orderId = `o-${placed}`;
    placed += 1;
    nextOrderAtMs = clock.nowMs() + random.int(8_000);
    const lineCount = 1 + random.int(3);
    const chosen = random.shuffle([...Array(skus).keys()]).slice(0, lineCount);
    const at = clock.now().toISOString();
    const command: OrderCommand = {
      type: 'PlaceOrder',
      orderId,
      customerId: `c-${random.int(customers)}`,
      lines: chosen.map((i) => ({ sku: `sku-${i}`, quantity: 1 + random.int(3), unitPrice: prices[i]! })),
      currency: 'EUR',
      shippingAddress: {
        name: 'Customer',
        line1: '1 Rue de la Paix',
        city: 'Paris',
        postalCode: '75002',
        country: 'FR',
      },
      at,
    };
    await world.dispatcher.dispatch({ command, commandId: `place:${orderId}`, occurredAt: at });
  };

  const scheduler = createStepScheduler(world, {
    random,
    clockWeight,
    clockStepMs,
    crashes: options.crashes ?? 8,
    orderDue: () => placed < orders && clock.nowMs() >= nextOrderAtMs,
    placeOrder,
  });

  /** The earliest time something will be due, when nothing is due now. */
  const nextWakeUp = async (): Promise<number | undefined> => {
    const candidates = [
      (await world.timers.nextDueAt())?.getTime(),
      world.gateway.nextDueAt(),
      world.carrier.nextDueAt(),
      placed < orders ? nextOrderAtMs : undefined,
    ].filter((t): t is number => t !== undefined);
    return candidates.length === 0 ? undefined : Math.min(...candidates);
  };

  let steps = 0;
  let livelock: string | undefined;
  for (;;) {
    if (steps >= maxSteps) {
      livelock = `still busy after ${steps} steps`;
      break;
    }
    const item = await scheduler.next();
    if (item === undefined) {
      const wakeUp = await nextWakeUp();
      if (wakeUp === undefined) break; // quiescent
      clock.set(Math.max(wakeUp, clock.nowMs()));
      continue;
    }
    steps += 1;
    await item.run();
    await settle();
  }

  const events = await world.store.readAll();
  const projections = await Promise.all(
    world.projections.map(async (runner) => {
      const rebuilt = await rebuildProjection(runner.projection, (o) => world.store.readAll(o));
      return { name: runner.name, stored: (await runner.current()).model, rebuilt: rebuilt.model };
    }),
  );
  const invariants = checkInvariants({
    events,
    projections,
    sent: world.sent(),
    rejections: world.rejections(),
    failures: livelock === undefined ? world.failures() : [livelock, ...world.failures()],
  });
  const broken = invariants.find((r) => r.violations.length > 0);

  let completed = 0;
  let cancelled = 0;
  let lateAnswers = 0;
  const cancelReasons: Record<string, number> = {};
  for (const e of events) {
    if (e.event.type === 'OrderCompleted') completed += 1;
    if (e.event.type === 'OrderCancelled') cancelled += 1;
    const saga = e.event as FulfilmentEvent;
    if (saga.type === 'LateAnswerCompensated') lateAnswers += 1;
    if (saga.type === 'FulfilmentCompensated') {
      const reason = saga.reason.replace(/ \(.*\)$/, '').replace(/sku-\d+/, 'sku-N');
      cancelReasons[reason] = (cancelReasons[reason] ?? 0) + 1;
    }
  }
  const rejections: Record<string, number> = {};
  for (const r of world.rejections()) rejections[`${r.type}:${r.code}`] = (rejections[`${r.type}:${r.code}`] ?? 0) + 1;
  const deliveries = world.bus.deliveries();

  return {
    seed: options.seed,
    ok: broken === undefined,
    ...(broken === undefined ? {} : { failure: `${broken.invariant}: ${broken.violations[0]}` }),
    invariants,
    orders: placed,
    completed,
    cancelled,
    cancelReasons,
    steps,
    crashes: scheduler.crashes(),
    events: events.length,
    deliveries: deliveries.length,
    redeliveries: deliveries.filter((d) => d.attempt > 1).length,
    timeoutsFired: scheduler.timeoutsFired(),
    lateAnswers,
    gateway: world.gateway.stats(),
    rejections,
    simulatedSeconds: Math.round((clock.nowMs() - startMs) / 1000),
    elapsedMs: performance.now() - started,
  };
};
