import * as fc from 'fast-check';
import * as E from 'fp-ts/Either';
import { fold } from '@ordo/kernel';
import { type DeciderLawOptions, deciderLawResults } from '@ordo/kernel/testing';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import type { OrderCommand } from './commands';
import { orderRejectionCodes, orderDecider, type OrderState } from './decider';
import { orderTotal } from './lines';

// Longer command sequences than fast-check's small default, so orders get through their whole life.
fc.configureGlobal({ baseSize: 'medium' });

const at = fc.constant('2024-05-01T10:00:00.000Z');
const orderId = fc.oneof({ arbitrary: fc.constant('o1'), weight: 20 }, { arbitrary: fc.constant('o2'), weight: 1 });
const shippingAddress = fc.constant({
  name: 'Ann',
  line1: '1 Main St',
  city: 'Lyon',
  postalCode: '69001',
  country: 'FR',
});
// Two valid baskets (totals 2850 and 1000) and, rarely, an invalid one.
const lines = fc.oneof(
  {
    arbitrary: fc.constant([
      { sku: 'mug', quantity: 2, unitPrice: 1200 },
      { sku: 'tea', quantity: 1, unitPrice: 450 },
    ]),
    weight: 8,
  },
  { arbitrary: fc.constant([{ sku: 'pot', quantity: 4, unitPrice: 250 }]), weight: 2 },
  { arbitrary: fc.constant([]), weight: 1 },
);
// Paid amounts that mostly match the first basket's total.
const amount = fc.oneof(
  { arbitrary: fc.constant(2850), weight: 6 },
  { arbitrary: fc.constantFrom(1000, 5), weight: 1 },
);
const currency = fc.constantFrom('EUR', 'USD');

const orderCommands: fc.Arbitrary<OrderCommand> = fc.oneof(
  {
    arbitrary: fc.record({
      type: fc.constant('PlaceOrder' as const),
      orderId,
      customerId: fc.constant('c1'),
      lines,
      currency,
      shippingAddress,
      at,
    }),
    weight: 3,
  },
  { arbitrary: fc.record({ type: fc.constant('ConfirmOrder' as const), orderId, at }), weight: 3 },
  {
    arbitrary: fc.record({
      type: fc.constant('MarkOrderPaid' as const),
      orderId,
      paymentId: fc.constant('pay-o1'),
      amount,
      at,
    }),
    weight: 3,
  },
  {
    arbitrary: fc.record({
      type: fc.constant('MarkOrderPaid' as const),
      orderId,
      paymentId: fc.constant('pay-o1'),
      amount,
      currency,
      at,
    }),
    weight: 1,
  },
  {
    arbitrary: fc.record({
      type: fc.constant('MarkOrderShipped' as const),
      orderId,
      shipmentId: fc.constant('ship-o1'),
      at,
    }),
    weight: 3,
  },
  { arbitrary: fc.record({ type: fc.constant('CompleteOrder' as const), orderId, at }), weight: 3 },
  {
    arbitrary: fc.record({
      type: fc.constant('CancelOrder' as const),
      orderId,
      reason: fc.constantFrom('out_of_stock', 'payment_declined'),
      at,
    }),
    weight: 1,
  },
);

const options: DeciderLawOptions<OrderCommand, OrderState> = {
  commands: orderCommands,
  numRuns: 500,
  maxCommands: 30,
  invariants: [
    {
      description: 'an order has at least one line and its total is the sum of its lines',
      holds: (s) => s.status === 'none' || (s.lines.length > 0 && s.total === orderTotal(s.lines)),
    },
    {
      description: 'once paid, an order was paid exactly its total',
      holds: (s) =>
        s.status === 'none' ||
        !['paid', 'shipped', 'completed'].includes(s.status) ||
        (s.paymentId !== undefined && s.paidAmount === s.total),
    },
    {
      description: 'an order is shipped only after it was paid, and completed only after it was shipped',
      holds: (s) =>
        s.status === 'none' ||
        ((s.shipmentId === undefined || s.paymentId !== undefined) &&
          (s.status !== 'completed' || s.shipmentId !== undefined)),
    },
    {
      description: 'a cancelled order was never shipped and states why it was cancelled',
      holds: (s) =>
        s.status === 'none' ||
        (s.status === 'cancelled') === (s.cancelReason !== undefined && s.shipmentId === undefined),
    },
  ],
};

for (const result of deciderLawResults(orderDecider, options)) {
  if (result.skipped !== undefined) continue;
  test(`order decider law: ${result.law} (${result.note ?? 'checked'})`, () => {
    assert.ok(result.ok, result.counterexample);
    const covered = /in (\d+) of/.exec(result.note ?? '');
    if (covered) assert.ok(Number(covered[1]) > 0, `the law never met its subject: ${result.note}`);
  });
}

test('the laws catch an order that can be cancelled after shipment', () => {
  const broken = {
    ...orderDecider,
    decide: (command: OrderCommand, state: OrderState) =>
      command.type === 'CancelOrder' && state.status === 'shipped'
        ? orderDecider.decide(command, { ...state, status: 'paid' })
        : orderDecider.decide(command, state),
  };
  const failed = deciderLawResults(broken, options).find((r) => !r.ok);
  assert.match(failed?.counterexample ?? '', /a cancelled order was never shipped/);
});

test('every rejection of orderDecider carries a documented code', () => {
  fc.assert(
    fc.property(fc.array(orderCommands, { maxLength: 30 }), (commands) => {
      let state = orderDecider.initialState;
      for (const command of commands) {
        const outcome = orderDecider.decide(command, state);
        if (E.isLeft(outcome))
          assert.ok((orderRejectionCodes as ReadonlyArray<string>).includes(outcome.left.code), outcome.left.code);
        else state = fold(orderDecider, outcome.right, state);
      }
    }),
    { numRuns: 300 },
  );
});

test.run();
