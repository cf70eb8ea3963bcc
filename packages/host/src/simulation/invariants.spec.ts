import type { AnyEvent, RecordedEvent } from '@ordo/kernel';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { checkInvariants, type QuiescentWorld } from './invariants';

const at = '2024-05-01T10:00:00.000Z';
const address = { name: 'Ada', line1: '1 Main St', city: 'Paris', postalCode: '75001', country: 'FR' };

/** A log of recorded events from (stream, event) pairs. */
const log = (entries: ReadonlyArray<[string, AnyEvent & Record<string, unknown>]>): RecordedEvent<AnyEvent>[] => {
  const versions = new Map<string, bigint>();
  return entries.map(([streamId, event], i) => {
    const v = versions.get(streamId) ?? 0n;
    versions.set(streamId, v + 1n);
    return {
      streamId,
      streamVersion: v,
      globalPosition: BigInt(i + 1),
      event,
      metadata: { eventId: `e${i}`, correlationId: 'c', causationId: 'c', occurredAt: at },
    };
  });
};

/** A cancelled order whose compensation released everything. */
const cancelledCleanly: ReadonlyArray<[string, AnyEvent & Record<string, unknown>]> = [
  ['inventory-apple', { type: 'StockReceived', sku: 'apple', quantity: 5, at }],
  [
    'order-o1',
    {
      type: 'OrderPlaced',
      orderId: 'o1',
      customerId: 'c',
      lines: [{ sku: 'apple', quantity: 2, unitPrice: 100 }],
      total: 200,
      currency: 'EUR',
      shippingAddress: address,
      at,
    },
  ],
  ['inventory-apple', { type: 'StockReserved', sku: 'apple', orderId: 'o1', quantity: 2, at }],
  [
    'payment-pay-o1',
    {
      type: 'PaymentAuthorized',
      paymentId: 'pay-o1',
      orderId: 'o1',
      amount: 200,
      currency: 'EUR',
      idempotencyKey: 'k',
      at,
    },
  ],
  ['payment-pay-o1', { type: 'PaymentVoided', paymentId: 'pay-o1', orderId: 'o1', at }],
  ['inventory-apple', { type: 'ReservationReleased', sku: 'apple', orderId: 'o1', quantity: 2, at }],
  ['order-o1', { type: 'OrderCancelled', orderId: 'o1', reason: 'payment declined', at }],
  ['fulfilment-o1', { type: 'FulfilmentCompensated', orderId: 'o1', reason: 'x', at }],
];

const world = (events: RecordedEvent<AnyEvent>[], extra: Partial<QuiescentWorld> = {}): QuiescentWorld => ({
  events,
  projections: [],
  sent: [
    { notificationId: 'e1:order_received', orderId: 'o1', channel: 'email', template: 'order_received', data: {} },
    { notificationId: 'e6:order_cancelled', orderId: 'o1', channel: 'email', template: 'order_cancelled', data: {} },
  ],
  rejections: [],
  failures: [],
  ...extra,
});

const broken = (w: QuiescentWorld) =>
  checkInvariants(w)
    .filter((r) => r.violations.length > 0)
    .map((r) => r.invariant);

test('a cleanly cancelled order breaks nothing', () => {
  // The saga stream here holds only its last event, which folds to "compensated".
  assert.equal(broken(world(log(cancelledCleanly))), []);
});

test('a reservation left behind by a cancelled order is caught', () => {
  const leaked = cancelledCleanly.filter(([, e]) => e.type !== 'ReservationReleased');
  assert.ok(broken(world(log(leaked))).some((i) => i.startsWith('a cancelled order holds no stock')));
});

test('an authorization left open by a cancelled order is caught', () => {
  const open = cancelledCleanly.filter(([, e]) => e.type !== 'PaymentVoided');
  assert.ok(broken(world(log(open))).some((i) => i.startsWith('a cancelled order holds no stock and no net payment')));
});

test('money taken for a cancelled order breaks money conservation', () => {
  const taken = [
    ...cancelledCleanly.filter(([, e]) => e.type !== 'PaymentVoided'),
    ['payment-pay-o1', { type: 'PaymentCaptured', paymentId: 'pay-o1', orderId: 'o1', amount: 200, at }] as [
      string,
      AnyEvent & Record<string, unknown>,
    ],
  ];
  assert.ok(broken(world(log(taken))).some((i) => i.startsWith('money is conserved')));
});

test('an order left in flight, a notification sent twice or never, an unexpected rejection are caught', () => {
  const inFlight = cancelledCleanly.filter(([, e]) => e.type !== 'OrderCancelled');
  assert.ok(broken(world(log(inFlight))).includes('every order ends Completed or Cancelled'));
  const w = world(log(cancelledCleanly));
  assert.ok(broken({ ...w, sent: [...w.sent, w.sent[0]!] }).includes('each notification is sent once'));
  assert.ok(broken({ ...w, sent: w.sent.slice(1) }).includes('each notification is sent once'));
  assert.ok(
    broken({
      ...w,
      rejections: [{ type: 'CapturePayment', code: 'capture_exceeds_authorized', commandId: 'o1:capture' }],
    }).includes('only expected races are rejected'),
  );
  assert.ok(
    broken({ ...w, rejections: [{ type: 'ReserveStock', code: 'insufficient_stock', commandId: 'x' }] }).length === 0,
  );
});

test('negative stock is caught even when the totals add up', () => {
  const negative: ReadonlyArray<[string, AnyEvent & Record<string, unknown>]> = [
    ['inventory-kiwi', { type: 'StockReserved', sku: 'kiwi', orderId: 'o9', quantity: 1, at }],
    ['inventory-kiwi', { type: 'StockReceived', sku: 'kiwi', quantity: 1, at }],
    ['inventory-kiwi', { type: 'ReservationReleased', sku: 'kiwi', orderId: 'o9', quantity: 1, at }],
  ];
  const violations = checkInvariants(world(log([...cancelledCleanly, ...negative]))).find((r) =>
    r.invariant.startsWith('stock is conserved'),
  )?.violations;
  assert.equal(violations, ['kiwi: available -1, reserved 1 after StockReserved']);
});

test('a projection that drifted from the log is caught', () => {
  const w = world(log(cancelledCleanly), { projections: [{ name: 'p', stored: { a: 1 }, rebuilt: { a: 2 } }] });
  assert.ok(broken(w).includes('projections equal a fold of the event log'));
});

test.run();
