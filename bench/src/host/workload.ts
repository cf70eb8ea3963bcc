/**
 * The host bench's workload: a shop with more stock than any run sells, orders over its skus, and
 * the placing loop (C concurrent placers, at full speed or paced to a rate) with a watcher that
 * hears each order's terminal event on the `order` topic.
 */
import { performance } from 'node:perf_hooks';
import { type CommerceCommand, type Host, HostTokens, resolveService } from '@ordo/host';
import type { IncomingMessage } from '@ordo/kernel';

/** Products of the shop; many, so that concurrent orders rarely meet on one inventory stream. */
export const SKUS = 64;
/** Units of each sku: more than any run sells (an order takes at most 4 units of a sku). */
const STOCK = 10_000_000;

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

const check = (what: string, result: Awaited<ReturnType<Host['execute']>>) => {
  if (result._tag === 'Left') throw new Error(`${what}: ${result.left.message}`);
};

/** Adds `SKUS` products with `STOCK` units each. */
export const openShop = async (host: Host): Promise<void> => {
  const at = new Date().toISOString();
  for (let i = 0; i < SKUS; i++) {
    const sku = `sku-${i}`;
    check(
      `AddProduct ${sku}`,
      await host.execute(
        { type: 'AddProduct', sku, name: `Product ${i}`, price: 100 * (i + 1), currency: 'EUR', at },
        { commandId: `setup:product:${sku}` },
      ),
    );
    check(
      `ReceiveStock ${sku}`,
      await host.execute({ type: 'ReceiveStock', sku, quantity: STOCK, at }, { commandId: `setup:stock:${sku}` }),
    );
  }
};

/** Order `n`: one or two lines over the shop's skus, priced as {@link openShop} priced them, dated now. */
export const placeOrder = (orderId: string, n: number): CommerceCommand => {
  const first = n % SKUS;
  const second = (n * 7 + 3) % SKUS;
  const lines = [{ sku: `sku-${first}`, quantity: 1 + (n % 3), unitPrice: 100 * (first + 1) }];
  if (second !== first) lines.push({ sku: `sku-${second}`, quantity: 1, unitPrice: 100 * (second + 1) });
  return {
    type: 'PlaceOrder',
    orderId,
    customerId: `c-${n % 100}`,
    lines,
    currency: 'EUR',
    shippingAddress: { name: 'Ada', line1: '1 Main St', city: 'Paris', postalCode: '75001', country: 'FR' },
    at: new Date().toISOString(),
  };
};

/** How one order ended, as the watcher heard it. */
interface Outcome {
  readonly status: 'completed' | 'cancelled';
  /** Place (before `execute`) to terminal event delivered to the watcher, ms. */
  readonly latencyMs: number;
}

/**
 * Hears OrderCompleted / OrderCancelled on the host's `order` topic through the host's own
 * messaging (the in-memory bus, or a Kafka consumer group of its own), so that no order's stream
 * is read to find out. Resolution: the delivery of the event, i.e. append + relay + transport.
 */
export interface TerminalWatcher {
  /** Starts timing `orderId` (call just before placing it). */
  expect(orderId: string): void;
  /** Resolves when every expected order ended; rejects after `timeoutMs` naming how many did not. */
  settled(timeoutMs: number): Promise<void>;
  /** The outcomes heard so far, and forgets them (for the next round). */
  take(): { readonly outcomes: ReadonlyArray<Outcome>; readonly lastAt: number };
  /** Deliveries of a terminal event for an order already ended (at-least-once transport). */
  readonly duplicates: () => number;
  stop(): Promise<void>;
}

const TERMINAL = new Set(['OrderCompleted', 'OrderCancelled']);

const orderIdOf = (message: IncomingMessage): string | undefined => {
  const payload = message.payload;
  if (typeof payload !== 'object' || payload === null) return undefined;
  const id = (payload as { readonly orderId?: unknown }).orderId;
  return typeof id === 'string' ? id : undefined;
};

export const watchTerminal = async (host: Host, group = 'bench-terminal'): Promise<TerminalWatcher> => {
  const messaging = resolveService(host.container, HostTokens.Messaging);
  const topics = resolveService(host.container, HostTokens.Topics);
  const placedAt = new Map<string, number>();
  const ended = new Set<string>();
  let outcomes: Outcome[] = [];
  let lastAt = 0;
  let duplicates = 0;
  let wake: (() => void) | undefined;
  const subscription = await messaging.subscribe({
    topics: [topics.events.order],
    group,
    handle: async (message) => {
      if (!TERMINAL.has(message.type)) return;
      const orderId = orderIdOf(message);
      if (orderId === undefined) return;
      const at = performance.now();
      const started = placedAt.get(orderId);
      if (started === undefined) {
        if (ended.has(orderId)) duplicates += 1;
        return;
      }
      placedAt.delete(orderId);
      ended.add(orderId);
      outcomes.push({ status: message.type === 'OrderCompleted' ? 'completed' : 'cancelled', latencyMs: at - started });
      lastAt = at;
      if (placedAt.size === 0) wake?.();
    },
  });
  return {
    expect: (orderId) => void placedAt.set(orderId, performance.now()),
    settled: async (timeoutMs) => {
      const deadline = performance.now() + timeoutMs;
      while (placedAt.size > 0) {
        const left = deadline - performance.now();
        if (left <= 0) throw new Error(`${placedAt.size} orders not terminal after ${timeoutMs} ms`);
        await new Promise<void>((resolve) => {
          wake = resolve;
          setTimeout(resolve, Math.min(left, 500));
        });
        wake = undefined;
      }
    },
    take: () => {
      const taken = { outcomes, lastAt };
      outcomes = [];
      return taken;
    },
    duplicates: () => duplicates,
    stop: () => subscription.stop(),
  };
};

/** What one round of placing gave. */
export interface RoundResult {
  readonly orders: number;
  readonly completed: number;
  readonly cancelled: number;
  /** First place to last terminal event, s. */
  readonly seconds: number;
  readonly ordersPerSecond: number;
  /** Place -> terminal, ms, sorted. */
  readonly latenciesMs: ReadonlyArray<number>;
  /** `execute(PlaceOrder)` alone, ms, sorted. */
  readonly placeMs: ReadonlyArray<number>;
}

/**
 * Places `orders` orders from `placers` concurrent loops, at full speed or, with `ratePerSecond`,
 * order i at `i / rate` s after the start (paced, open loop: a late order does not delay the
 * schedule); waits until each is terminal.
 */
export const placeRound = async (
  host: Host,
  watcher: TerminalWatcher,
  options: {
    readonly prefix: string;
    readonly orders: number;
    readonly placers: number;
    readonly ratePerSecond?: number;
    readonly timeoutMs: number;
  },
): Promise<RoundResult> => {
  const placeMs: number[] = [];
  let next = 0;
  const started = performance.now();
  const interval = options.ratePerSecond === undefined ? 0 : 1000 / options.ratePerSecond;
  await Promise.all(
    Array.from({ length: options.placers }, async () => {
      for (let n = next++; n < options.orders; n = next++) {
        if (interval > 0) {
          const due = started + n * interval;
          const wait = due - performance.now();
          if (wait > 1) await sleep(wait);
        }
        const orderId = `${options.prefix}-${n}`;
        const command = placeOrder(orderId, n);
        watcher.expect(orderId);
        const t0 = performance.now();
        check(`PlaceOrder ${orderId}`, await host.execute(command, { commandId: `place:${orderId}` }));
        placeMs.push(performance.now() - t0);
      }
    }),
  );
  await watcher.settled(options.timeoutMs);
  const { outcomes, lastAt } = watcher.take();
  const seconds = (lastAt - started) / 1000;
  const completed = outcomes.filter((o) => o.status === 'completed').length;
  return {
    orders: outcomes.length,
    completed,
    cancelled: outcomes.length - completed,
    seconds,
    ordersPerSecond: outcomes.length / seconds,
    latenciesMs: outcomes.map((o) => o.latencyMs).sort((a, b) => a - b),
    placeMs: placeMs.sort((a, b) => a - b),
  };
};

/** The q-quantile of sorted values (nearest rank), 0 for none. */
export const quantile = (sorted: ReadonlyArray<number>, q: number): number =>
  sorted.length === 0 ? 0 : sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))]!;
