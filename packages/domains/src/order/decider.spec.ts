import * as E from 'fp-ts/Either';
import { decodeWith } from '@ordo/kernel';
import { deciderSpec } from '@ordo/kernel/testing';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { OrderCommands } from './commands';
import { orderDecider, orderStreamId } from './decider';
import type { OrderEvent } from './events';

const spec = deciderSpec(orderDecider);
const at = '2024-05-01T10:00:00.000Z';
const shippingAddress = { name: 'Ann', line1: '1 Main St', city: 'Lyon', postalCode: '69001', country: 'FR' };
const lines = [
  { sku: 'mug', quantity: 2, unitPrice: 1200 },
  { sku: 'tea', quantity: 1, unitPrice: 450 },
];
const place = {
  type: 'PlaceOrder',
  orderId: 'o1',
  customerId: 'c1',
  lines,
  currency: 'EUR',
  shippingAddress,
  at,
} as const;
const placed: OrderEvent = {
  type: 'OrderPlaced',
  orderId: 'o1',
  customerId: 'c1',
  lines,
  total: 2850,
  currency: 'EUR',
  shippingAddress,
  at,
};
const confirmed: OrderEvent = { type: 'OrderConfirmed', orderId: 'o1', at };
const paid: OrderEvent = { type: 'OrderPaid', orderId: 'o1', paymentId: 'pay-o1', amount: 2850, at };
const shipped: OrderEvent = { type: 'OrderShipped', orderId: 'o1', shipmentId: 'ship-o1', at };
const completed: OrderEvent = { type: 'OrderCompleted', orderId: 'o1', at };
const cancelled: OrderEvent = { type: 'OrderCancelled', orderId: 'o1', reason: 'out_of_stock', at };
const pay = { type: 'MarkOrderPaid', orderId: 'o1', paymentId: 'pay-o1', amount: 2850, at } as const;
const ship = { type: 'MarkOrderShipped', orderId: 'o1', shipmentId: 'ship-o1', at } as const;
const cancel = { type: 'CancelOrder', orderId: 'o1', reason: 'customer_request', at } as const;

test('placing an order records its total as the sum of its lines', () => {
  spec.given([]).when(place).then([placed]);
});

test('the happy path: placed -> confirmed -> paid -> shipped -> completed', () => {
  spec.given([placed]).when({ type: 'ConfirmOrder', orderId: 'o1', at }).then([confirmed]);
  spec.given([placed, confirmed]).when(pay).then([paid]);
  spec
    .given([placed, confirmed])
    .when({ ...pay, currency: 'EUR' })
    .then([paid]);
  spec.given([placed, confirmed, paid]).when(ship).then([shipped]);
  spec
    .given([placed, confirmed, paid, shipped])
    .when({ type: 'CompleteOrder', orderId: 'o1', at })
    .thenState((s) => {
      assert.is(s.status, 'completed');
      assert.ok(orderDecider.isTerminal?.(s));
    });
});

test('an order can be cancelled, with its reason, while placed, confirmed or paid', () => {
  for (const given of [[placed], [placed, confirmed], [placed, confirmed, paid]]) {
    spec
      .given(given)
      .when(cancel)
      .then([{ type: 'OrderCancelled', orderId: 'o1', reason: 'customer_request', at }]);
  }
});

test('rejects: order_already_placed', () => {
  spec.given([placed]).when(place).thenRejects('order_already_placed');
});

test('rejects: order_not_found for any command before PlaceOrder', () => {
  spec.given([]).when({ type: 'ConfirmOrder', orderId: 'o1', at }).thenRejects('order_not_found');
  spec.given([]).when(cancel).thenRejects('order_not_found');
});

test('rejects: order_already_confirmed', () => {
  spec
    .given([placed, confirmed])
    .when({ type: 'ConfirmOrder', orderId: 'o1', at })
    .thenRejects('order_already_confirmed');
});

test('rejects: order_not_confirmed when paying a placed order', () => {
  spec.given([placed]).when(pay).thenRejects('order_not_confirmed');
});

test('rejects: order_already_paid', () => {
  spec.given([placed, confirmed, paid]).when(pay).thenRejects('order_already_paid');
  spec.given([placed, confirmed, paid, shipped]).when(pay).thenRejects('order_already_paid');
});

test('rejects: amount_mismatch when the paid amount is not the total', () => {
  spec
    .given([placed, confirmed])
    .when({ ...pay, amount: 2849 })
    .thenRejects({ code: 'amount_mismatch', details: { orderId: 'o1', total: 2850, amount: 2849 } });
});

test('rejects: currency_mismatch when the payment is stated in another currency', () => {
  spec
    .given([placed, confirmed])
    .when({ ...pay, currency: 'USD' })
    .thenRejects('currency_mismatch');
});

test('rejects: order_not_paid, no shipping before payment', () => {
  spec.given([placed]).when(ship).thenRejects('order_not_paid');
  spec.given([placed, confirmed]).when(ship).thenRejects('order_not_paid');
});

test('rejects: order_already_shipped, no cancelling after shipment (nor shipping twice)', () => {
  spec.given([placed, confirmed, paid, shipped]).when(cancel).thenRejects('order_already_shipped');
  spec.given([placed, confirmed, paid, shipped]).when(ship).thenRejects('order_already_shipped');
});

test('rejects: order_not_shipped when completing before shipment', () => {
  spec
    .given([placed, confirmed, paid])
    .when({ type: 'CompleteOrder', orderId: 'o1', at })
    .thenRejects('order_not_shipped');
});

test('rejects: order_completed and order_cancelled, terminal orders accept nothing', () => {
  spec.given([placed, confirmed, paid, shipped, completed]).when(cancel).thenRejects('order_completed');
  spec.given([placed, cancelled]).when({ type: 'ConfirmOrder', orderId: 'o1', at }).thenRejects('order_cancelled');
  spec.given([placed, cancelled]).when(cancel).thenRejects('order_cancelled');
});

test('rejects: invalid_lines for empty lines, a non-positive quantity or a sku twice (codec bypassed)', () => {
  spec
    .given([])
    .when({ ...place, lines: [] })
    .thenRejects('invalid_lines');
  spec
    .given([])
    .when({ ...place, lines: [{ sku: 'mug', quantity: 0, unitPrice: 1 }] })
    .thenRejects('invalid_lines');
  spec
    .given([])
    .when({ ...place, lines: [lines[0]!, lines[0]!] })
    .thenRejects('invalid_lines');
});

test('rejects: invalid_total when the total is not a safe integer', () => {
  const huge = [{ sku: 'gold', quantity: 2 ** 30, unitPrice: 2 ** 30 }];
  spec
    .given([])
    .when({ ...place, lines: huge })
    .thenRejects('invalid_total');
});

test('rejects: stream_mismatch for a command naming another order', () => {
  spec.given([placed]).when({ type: 'ConfirmOrder', orderId: 'o2', at }).thenRejects('stream_mismatch');
});

test('stream id derives from the order id', () => {
  assert.is(orderStreamId({ orderId: 'o1' }), 'order-o1');
});

const paths = (input: unknown): string[] => {
  const result = decodeWith(OrderCommands.codec, 'command')(input);
  return E.isLeft(result) ? result.left.issues.map((i) => `${i.path}:${i.expected}`) : [];
};

test('the codec names bad lines, quantities, prices and address fields', () => {
  assert.equal(paths(place), []);
  assert.equal(paths({ ...place, lines: [] }), ['lines:OrderLines(non-empty, one line per sku)']);
  assert.equal(paths({ ...place, lines: [lines[0], lines[0]] }), ['lines:OrderLines(non-empty, one line per sku)']);
  assert.equal(paths({ ...place, lines: [{ sku: 'mug', quantity: -1, unitPrice: 0 }] }), [
    'lines.0.quantity:PositiveInt',
    'lines.0.unitPrice:PositiveInt',
  ]);
  assert.equal(paths({ ...place, shippingAddress: { ...shippingAddress, city: '' } }), [
    'shippingAddress.city:NonEmptyString',
  ]);
  assert.equal(paths({ ...cancel, reason: '' }), ['reason:NonEmptyString']);
  assert.equal(paths({ ...pay, currency: 'usd' }), ['currency:Currency']);
});

test.run();
