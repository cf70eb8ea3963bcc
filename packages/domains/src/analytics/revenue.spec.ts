import * as fc from 'fast-check';
import * as E from 'fp-ts/Either';
import { type RecordedEvent } from '@ordo/kernel';
import { initialProjected, projectBatch } from '@ordo/kernel/adapter-kit';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import type { OrderCommand } from '../order/commands';
import { orderDecider, type OrderState } from '../order/decider';
import type { OrderEvent } from '../order/events';
import type { PaymentEvent } from '../payment/events';
import { recordEvents } from '../shared/recorded';
import { utcDay } from './day';
import { orderFunnelProjection } from './funnel';
import { revenueProjection } from './revenue';

type Ev = OrderEvent | PaymentEvent;
const address = { name: 'Ann', line1: '1 Main St', city: 'Lyon', postalCode: '69001', country: 'FR' };
const day1 = '2024-05-01T10:00:00.000Z';
const day2 = '2024-05-01T23:30:00-02:00'; // 2024-05-02 in UTC
const placed = (orderId: string, currency = 'EUR', at = day1): OrderEvent => ({
  type: 'OrderPlaced',
  orderId,
  customerId: 'c1',
  lines: [
    { sku: 'mug', quantity: 2, unitPrice: 1200 },
    { sku: 'tea', quantity: 1, unitPrice: 450 },
  ],
  total: 2850,
  currency,
  shippingAddress: address,
  at,
});
const revenue = (events: ReadonlyArray<Ev>) =>
  projectBatch(
    revenueProjection,
    initialProjected(revenueProjection),
    recordEvents(events.map((event) => ({ streamId: `order-${event.orderId}`, event }))),
  ).model;

test('days are UTC calendar days', () => {
  assert.is(utcDay(day1), '2024-05-01');
  assert.is(utcDay(day2), '2024-05-02');
});

test('revenue counts completed orders on their completion day, per currency and per sku', () => {
  const model = revenue([
    placed('o1'),
    placed('o2'),
    placed('o3', 'USD'),
    { type: 'OrderCompleted', orderId: 'o1', at: day1 },
    { type: 'OrderCompleted', orderId: 'o2', at: day2 },
    { type: 'OrderCompleted', orderId: 'o3', at: day2 },
  ]);
  assert.equal(model.byDay, {
    '2024-05-01': { EUR: { gross: 2850, refunded: 0, net: 2850, orders: 1 } },
    '2024-05-02': {
      EUR: { gross: 2850, refunded: 0, net: 2850, orders: 1 },
      USD: { gross: 2850, refunded: 0, net: 2850, orders: 1 },
    },
  });
  assert.equal(model.bySku, {
    mug: { EUR: { quantity: 4, revenue: 4800 }, USD: { quantity: 2, revenue: 2400 } },
    tea: { EUR: { quantity: 2, revenue: 900 }, USD: { quantity: 1, revenue: 450 } },
  });
});

test('a refund of a completed order counts against its day; refunds of orders that never completed do not', () => {
  const model = revenue([
    placed('o1'),
    placed('o2'),
    { type: 'OrderCompleted', orderId: 'o1', at: day1 },
    { type: 'PaymentRefunded', paymentId: 'pay-o1', orderId: 'o1', amount: 450, at: day2 },
    { type: 'OrderCancelled', orderId: 'o2', reason: 'out_of_stock', at: day1 },
    { type: 'PaymentRefunded', paymentId: 'pay-o2', orderId: 'o2', amount: 2850, at: day1 },
  ]);
  assert.equal(model.byDay, {
    '2024-05-01': { EUR: { gross: 2850, refunded: 0, net: 2850, orders: 1 } },
    '2024-05-02': { EUR: { gross: 0, refunded: 450, net: -450, orders: 0 } },
  });
});

test('the funnel counts each step and why orders were cancelled', () => {
  const events: OrderEvent[] = [
    placed('o1'),
    placed('o2'),
    placed('o3'),
    { type: 'OrderConfirmed', orderId: 'o1', at: day1 },
    { type: 'OrderPaid', orderId: 'o1', paymentId: 'pay-o1', amount: 2850, at: day1 },
    { type: 'OrderShipped', orderId: 'o1', shipmentId: 'ship-o1', at: day1 },
    { type: 'OrderCompleted', orderId: 'o1', at: day1 },
    { type: 'OrderCancelled', orderId: 'o2', reason: 'out_of_stock', at: day1 },
    { type: 'OrderCancelled', orderId: 'o3', reason: 'out_of_stock', at: day1 },
  ];
  const { model } = projectBatch(
    orderFunnelProjection,
    initialProjected(orderFunnelProjection),
    recordEvents(events.map((event) => ({ streamId: `order-${event.orderId}`, event }))),
  );
  assert.equal(model, {
    placed: 3,
    confirmed: 1,
    paid: 1,
    shipped: 1,
    completed: 1,
    cancelled: 2,
    cancellationReasons: { out_of_stock: 2 },
  });
});

// A small shop: orders driven through the order decider by "advance" steps (the next command of
// the order's life), cancellations, and refunds of paid orders.
const orderId = fc.constantFrom('o1', 'o2', 'o3');
const at = fc.constantFrom(day1, day2, '2024-05-03T08:00:00.000Z');
const baskets = [
  [{ sku: 'mug', quantity: 1, unitPrice: 1000 }],
  [
    { sku: 'mug', quantity: 2, unitPrice: 1000 },
    { sku: 'tea', quantity: 3, unitPrice: 150 },
  ],
];
type Step =
  | {
      readonly kind: 'advance';
      readonly orderId: string;
      readonly at: string;
      readonly basket: number;
      readonly currency: string;
    }
  | { readonly kind: 'cancel'; readonly orderId: string; readonly at: string; readonly reason: string }
  | { readonly kind: 'refund'; readonly orderId: string; readonly at: string; readonly amount: number };
const step: fc.Arbitrary<Step> = fc.oneof(
  {
    arbitrary: fc.record({
      kind: fc.constant('advance' as const),
      orderId,
      at,
      basket: fc.constantFrom(0, 1),
      currency: fc.constantFrom('EUR', 'USD'),
    }),
    weight: 8,
  },
  fc.record({
    kind: fc.constant('cancel' as const),
    orderId,
    at,
    reason: fc.constantFrom('out_of_stock', 'customer_request'),
  }),
  fc.record({ kind: fc.constant('refund' as const), orderId, at, amount: fc.constantFrom(100, 300) }),
);

/** The command a step stands for in the order's current state. */
const commandFor = (s: Exclude<Step, { kind: 'refund' }>, state: OrderState): OrderCommand => {
  const { orderId, at } = s;
  if (s.kind === 'cancel') return { type: 'CancelOrder', orderId, reason: s.reason, at };
  switch (state.status) {
    case 'none':
      return {
        type: 'PlaceOrder',
        orderId,
        customerId: 'c1',
        lines: baskets[s.basket]!,
        currency: s.currency,
        shippingAddress: address,
        at,
      };
    case 'placed':
      return { type: 'ConfirmOrder', orderId, at };
    case 'confirmed':
      return { type: 'MarkOrderPaid', orderId, paymentId: `pay-${orderId}`, amount: state.total, at };
    case 'paid':
      return { type: 'MarkOrderShipped', orderId, shipmentId: `ship-${orderId}`, at };
    default:
      return { type: 'CompleteOrder', orderId, at };
  }
};

/** Runs the steps against one order decider per order; refunds of paid orders become payment events. */
const simulate = (steps: ReadonlyArray<Step>) => {
  const orders = new Map<string, OrderState>();
  const log: Array<{ streamId: string; event: Ev }> = [];
  for (const s of steps) {
    const state = orders.get(s.orderId) ?? orderDecider.initialState;
    if (s.kind === 'refund') {
      if (state.status === 'none' || state.paymentId === undefined) continue;
      const refund: PaymentEvent = {
        type: 'PaymentRefunded',
        paymentId: state.paymentId,
        orderId: s.orderId,
        amount: s.amount,
        at: s.at,
      };
      log.push({ streamId: `payment-${state.paymentId}`, event: refund });
      continue;
    }
    const outcome = orderDecider.decide(commandFor(s, state), state);
    if (E.isLeft(outcome)) continue;
    orders.set(s.orderId, outcome.right.reduce(orderDecider.evolve, state));
    for (const event of outcome.right) log.push({ streamId: `order-${s.orderId}`, event });
  }
  return { log: recordEvents(log), orders };
};

/** Revenue per day and currency computed the other way round: join completions and refunds to their orders. */
const reference = (log: ReadonlyArray<RecordedEvent<Ev>>) => {
  const byDay: Record<string, Record<string, { gross: number; refunded: number; net: number; orders: number }>> = {};
  const cell = (day: string, currency: string) =>
    ((byDay[day] ??= {})[currency] ??= { gross: 0, refunded: 0, net: 0, orders: 0 });
  log.forEach(({ event, globalPosition }) => {
    const placedEvent = log.find((e) => e.event.type === 'OrderPlaced' && e.event.orderId === event.orderId)?.event;
    if (placedEvent?.type !== 'OrderPlaced') return;
    if (event.type === 'OrderCompleted') {
      const c = cell(utcDay(event.at), placedEvent.currency);
      c.gross += placedEvent.total;
      c.net += placedEvent.total;
      c.orders += 1;
    }
    const completedBefore = log.some(
      (e) =>
        e.event.type === 'OrderCompleted' && e.event.orderId === event.orderId && e.globalPosition < globalPosition,
    );
    if (event.type === 'PaymentRefunded' && completedBefore) {
      const c = cell(utcDay(event.at), placedEvent.currency);
      c.refunded += event.amount;
      c.net -= event.amount;
    }
  });
  return byDay;
};

test('property: revenue equals the join of completions and refunds with their orders; funnel counts the events; replay changes nothing', () => {
  fc.assert(
    fc.property(fc.array(step, { maxLength: 60, size: 'large' }), fc.nat(), (steps, cut) => {
      const { log, orders } = simulate(steps);
      const whole = projectBatch(revenueProjection, initialProjected(revenueProjection), log);
      assert.equal(whole.model.byDay, reference(log));
      // Sku revenue adds up to gross revenue, per currency.
      const grossBy = (currency: string) =>
        Object.values(whole.model.byDay).reduce((sum, day) => sum + (day[currency]?.gross ?? 0), 0);
      const skuBy = (currency: string) =>
        Object.values(whole.model.bySku).reduce((sum, sku) => sum + (sku[currency]?.revenue ?? 0), 0);
      for (const currency of ['EUR', 'USD']) assert.is(skuBy(currency), grossBy(currency));
      // Gross revenue is the sum of the totals of the orders the deciders completed.
      const completedTotal = [...orders.values()].reduce((sum, o) => sum + (o.status === 'completed' ? o.total : 0), 0);
      assert.is(grossBy('EUR') + grossBy('USD'), completedTotal);

      const orderLog = log.filter((e): e is RecordedEvent<OrderEvent> => e.event.type.startsWith('Order'));
      const funnel = projectBatch(orderFunnelProjection, initialProjected(orderFunnelProjection), orderLog).model;
      const count = (type: Ev['type']) => log.filter((e) => e.event.type === type).length;
      assert.equal(
        [funnel.placed, funnel.confirmed, funnel.paid, funnel.shipped, funnel.completed, funnel.cancelled],
        [
          count('OrderPlaced'),
          count('OrderConfirmed'),
          count('OrderPaid'),
          count('OrderShipped'),
          count('OrderCompleted'),
          count('OrderCancelled'),
        ],
      );
      assert.is(
        Object.values(funnel.cancellationReasons).reduce((a, b) => a + b, 0),
        funnel.cancelled,
      );

      const split = cut % (log.length + 1);
      const first = projectBatch(revenueProjection, initialProjected(revenueProjection), log.slice(0, split));
      assert.equal(projectBatch(revenueProjection, projectBatch(revenueProjection, first, log), log), whole);
    }),
    { numRuns: 200 },
  );
});

test.run();
