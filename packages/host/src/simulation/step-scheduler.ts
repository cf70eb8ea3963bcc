import type { SeededRandom } from '@ordo/adapter-memory';
import type { GatedConsumer } from './gated-consumer';
import type { World } from './world';

/** One thing the simulation can do at a step, drawn by weight among what is possible. */
export interface WorkItem {
  readonly name: string;
  readonly weight: number;
  readonly run: () => Promise<void>;
}

/** What the scheduler needs from the run: its random, its clock pace and the order intake. */
export interface StepSchedulerOptions {
  readonly random: SeededRandom;
  /** Weight of moving the clock (the run's pace). */
  readonly clockWeight: number;
  /** Longest clock move, beyond 200 ms. */
  readonly clockStepMs: number;
  /** Worker crashes allowed over the run. */
  readonly crashes: number;
  /** True while orders are left to place and the next one is due at the clock's time. */
  readonly orderDue: () => boolean;
  readonly placeOrder: () => Promise<void>;
}

/** Picks the simulation's steps: what can happen now, and one of it at random. */
export interface StepScheduler {
  /** Draws the next step among the work possible now; `undefined` when nothing is (then only the clock can help). */
  next(): Promise<WorkItem | undefined>;
  /** Crashes so far, by worker. */
  crashes(): Readonly<Record<string, number>>;
  /** Saga timeouts fired so far. */
  timeoutsFired(): number;
}

interface GateWork {
  readonly gate: GatedConsumer;
  readonly handle: WorkItem;
  readonly ack: WorkItem;
  readonly crashMidFlight: WorkItem;
  readonly crashIdle: WorkItem;
}

/**
 * Creates the step scheduler of one run. The items are built once and offered again at every
 * step where they apply: a seed runs about 3,100 steps, and building some twenty closures at each
 * (each also named by the keep-names transform tsx applies) was about a fifth of the simulation's
 * time (docs/simulation.md). What an item needs from the moment it was offered (how many answers
 * were due, where the log stood) is kept beside it until the next offer.
 *
 * The offer order and weights are the run's contract: the same seed draws the same steps. At a
 * step, in order: place an order; mark the relay's batch or relay the outbox; per consumer,
 * handle or acknowledge its delivery; fire the due saga timeouts; release a due gateway answer;
 * let the carrier act; per projection not yet caught up, fold a batch. Then, while something is
 * going on: a crash per consumer, the payment service, the relay and the projections (more likely
 * mid-flight, between an effect and its acknowledgement), and moving the clock.
 */
export const createStepScheduler = (world: World, options: StepSchedulerOptions): StepScheduler => {
  const { random } = options;
  const { clock } = world;
  const crashes: Record<string, number> = {};
  let crashesLeft = options.crashes;
  let timeoutsFired = 0;

  // What the items offered at this step saw.
  let dueAnswers = 0;
  let duePickups = 0;
  let logMark = 0n;

  /** A crash of one worker; more likely mid-flight (between an effect and its acknowledgement). */
  const crash = (worker: string, midFlight: boolean, effect: () => void): WorkItem => ({
    name: `crash:${worker}`,
    weight: midFlight ? 0.6 : 0.1,
    run: async () => {
      crashesLeft -= 1;
      crashes[worker] = (crashes[worker] ?? 0) + 1;
      effect();
    },
  });
  const crashBoth = (worker: string, effect: () => void) =>
    [crash(worker, true, effect), crash(worker, false, effect)] as const;

  const gates: ReadonlyArray<GateWork> = Object.values(world.gates).map((gate) => {
    // A consumer crashes between its effect and its ack (the message comes again); the carrier
    // also forgets its planned pickups.
    const [crashMidFlight, crashIdle] = crashBoth(gate.name, () => {
      gate.crash();
      if (gate.name === 'carrier') world.carrier.reset();
    });
    return {
      gate,
      handle: { name: `handle:${gate.name}`, weight: 8, run: () => gate.handle() },
      ack: { name: `ack:${gate.name}`, weight: 8, run: async () => gate.ack() },
      crashMidFlight,
      crashIdle,
    };
  });
  const gateStates: Array<ReturnType<GatedConsumer['state']>> = gates.map(() => 'idle');

  // Where the log stood when a projection last found nothing to do. The in-memory store tells its
  // last position; on another store the port is asked what came after the last position seen.
  const memoryLog = world.store as { lastPosition?: () => bigint };
  const memoryMark = typeof memoryLog.lastPosition === 'function';
  let seenUpTo = 0n;
  const storeMark = async (): Promise<bigint> => {
    for (;;) {
      const batch = await world.store.readAll({ after: seenUpTo, maxCount: 1_000 });
      const last = batch[batch.length - 1];
      if (last === undefined) return seenUpTo;
      seenUpTo = last.globalPosition;
    }
  };
  const idleAt: Array<bigint | undefined> = world.projections.map(() => undefined);
  const projects: ReadonlyArray<WorkItem> = world.projections.map((runner, i) => ({
    name: `project:${runner.name}`,
    weight: 1,
    run: async () => {
      if ((await runner.step()) === 0) idleAt[i] = logMark;
    },
  }));

  const placeOrder: WorkItem = { name: 'place-order', weight: 3, run: options.placeOrder };
  const relayMark: WorkItem = { name: 'relay-mark', weight: 4, run: async () => void (await world.relay.mark()) };
  const relayPublish: WorkItem = {
    name: 'relay-publish',
    weight: 4,
    run: async () => void (await world.relay.publish()),
  };
  const fireTimeouts: WorkItem = {
    name: 'fire-timeouts',
    weight: 2,
    run: async () => void (timeoutsFired += await world.timers.fire(clock.now())),
  };
  const gatewayAnswer: WorkItem = {
    name: 'gateway-answer',
    weight: 3,
    run: async () => void world.gateway.answer(random.int(dueAnswers)),
  };
  const carrierAct: WorkItem = {
    name: 'carrier',
    weight: 3,
    run: async () => void (await world.carrier.act(random.int(duePickups))),
  };
  const [crashPaymentsMidFlight, crashPaymentsIdle] = crashBoth('payment-service', () => world.paymentService.reset());
  const [crashRelayMidFlight, crashRelayIdle] = crashBoth('relay', () => world.relay.reset());
  const crashProjections = crash('projections', false, () => {
    for (const runner of world.projections) runner.reset();
    idleAt.fill(undefined);
  });
  const advanceClock: WorkItem = {
    name: 'advance-clock',
    weight: options.clockWeight,
    run: async () => clock.advance(200 + random.int(options.clockStepMs)),
  };

  // The items on offer are the first `count` of `offered` (the array is kept, not emptied, from
  // step to step); their weights are summed in offer order from 0, as the weighted draw reads them.
  const offered: WorkItem[] = [];
  let count = 0;
  let total = 0;
  const offer = (item: WorkItem) => {
    offered[count++] = item;
    total += item.weight;
  };

  const pick = (): WorkItem => {
    let r = random.next() * total;
    for (let i = 0; i < count; i++) {
      const item = offered[i]!;
      r -= item.weight;
      if (r < 0) return item;
    }
    return offered[count - 1]!;
  };

  return {
    next: async () => {
      count = 0;
      total = 0;
      logMark = memoryMark ? memoryLog.lastPosition!() : await storeMark();
      if (options.orderDue()) offer(placeOrder);
      if (world.relay.holding()) offer(relayMark);
      else if ((await world.outbox.pending()) > 0) offer(relayPublish);
      for (let i = 0; i < gates.length; i++) {
        const g = gates[i]!;
        const state = g.gate.state();
        gateStates[i] = state;
        if (state === 'delivered') offer(g.handle);
        if (state === 'handled') offer(g.ack);
      }
      const nextTimeout = await world.timers.nextDueAt();
      if (nextTimeout !== undefined && nextTimeout.getTime() <= clock.nowMs()) offer(fireTimeouts);
      dueAnswers = world.gateway.due();
      if (dueAnswers > 0) offer(gatewayAnswer);
      duePickups = world.carrier.due();
      if (duePickups > 0) offer(carrierAct);
      for (let i = 0; i < projects.length; i++) if (idleAt[i] !== logMark) offer(projects[i]!);
      if (count === 0) return undefined;
      // Crashes and the clock only make sense while something is going on.
      if (crashesLeft > 0) {
        for (let i = 0; i < gates.length; i++) {
          const g = gates[i]!;
          offer(gateStates[i] === 'handled' ? g.crashMidFlight : g.crashIdle);
        }
        offer(world.paymentService.inFlight() > 0 ? crashPaymentsMidFlight : crashPaymentsIdle);
        offer(world.relay.holding() ? crashRelayMidFlight : crashRelayIdle);
        offer(crashProjections);
      }
      offer(advanceClock);
      return pick();
    },
    crashes: () => crashes,
    timeoutsFired: () => timeoutsFired,
  };
};
