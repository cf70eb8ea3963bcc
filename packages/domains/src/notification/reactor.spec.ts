import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { recordEvents } from '../shared/recorded';
import { type NotifiableEvent, notificationsFor, notifyingEventTypes } from './reactor';

const at = '2024-05-01T10:00:00.000Z';
const address = { name: 'Ann', line1: '1 Main St', city: 'Lyon', postalCode: '69001', country: 'FR' };
const lines = [{ sku: 'mug', quantity: 2, unitPrice: 1200 }];

const events: ReadonlyArray<{ streamId: string; event: NotifiableEvent }> = [
  {
    streamId: 'order-o1',
    event: {
      type: 'OrderPlaced',
      orderId: 'o1',
      customerId: 'c1',
      lines,
      total: 2400,
      currency: 'EUR',
      shippingAddress: address,
      at,
    },
  },
  { streamId: 'order-o1', event: { type: 'OrderConfirmed', orderId: 'o1', at } },
  {
    streamId: 'payment-pay-o1',
    event: {
      type: 'PaymentAuthorized',
      paymentId: 'pay-o1',
      orderId: 'o1',
      amount: 2400,
      currency: 'EUR',
      idempotencyKey: 'k',
      at,
    },
  },
  {
    streamId: 'payment-pay-o1',
    event: { type: 'PaymentCaptured', paymentId: 'pay-o1', orderId: 'o1', amount: 2400, at },
  },
  {
    streamId: 'shipment-ship-o1',
    event: {
      type: 'ShipmentCreated',
      shipmentId: 'ship-o1',
      orderId: 'o1',
      lines: [{ sku: 'mug', quantity: 2 }],
      address,
      at,
    },
  },
  { streamId: 'shipment-ship-o1', event: { type: 'ShipmentDispatched', shipmentId: 'ship-o1', orderId: 'o1', at } },
  { streamId: 'shipment-ship-o1', event: { type: 'ShipmentDelivered', shipmentId: 'ship-o1', orderId: 'o1', at } },
  { streamId: 'order-o1', event: { type: 'OrderCompleted', orderId: 'o1', at } },
  {
    streamId: 'payment-pay-o1',
    event: { type: 'PaymentRefunded', paymentId: 'pay-o1', orderId: 'o1', amount: 400, at },
  },
  { streamId: 'order-o2', event: { type: 'OrderCancelled', orderId: 'o2', reason: 'out_of_stock', at } },
  {
    streamId: 'payment-pay-o3',
    event: { type: 'PaymentDeclined', paymentId: 'pay-o3', orderId: 'o3', reason: 'card_declined', at },
  },
  {
    streamId: 'shipment-ship-o4',
    event: { type: 'ShipmentFailed', shipmentId: 'ship-o4', orderId: 'o4', reason: 'lost', at },
  },
];

test('the reactor tells the customer about each step that matters, and nothing else', () => {
  const sent = recordEvents(events).flatMap((e) =>
    notificationsFor(e).map((n) => [e.event.type, n.template, n.orderId, n.data]),
  );
  assert.equal(sent, [
    ['OrderPlaced', 'order_received', 'o1', { total: 2400, currency: 'EUR', lines: 1 }],
    ['PaymentCaptured', 'payment_received', 'o1', { amount: 2400 }],
    ['ShipmentDispatched', 'shipment_dispatched', 'o1', { shipmentId: 'ship-o1' }],
    ['ShipmentDelivered', 'shipment_delivered', 'o1', { shipmentId: 'ship-o1' }],
    ['OrderCompleted', 'order_completed', 'o1', {}],
    ['PaymentRefunded', 'refund_issued', 'o1', { amount: 400 }],
    ['OrderCancelled', 'order_cancelled', 'o2', { reason: 'out_of_stock' }],
    ['PaymentDeclined', 'payment_declined', 'o3', { reason: 'card_declined' }],
    ['ShipmentFailed', 'shipment_failed', 'o4', { shipmentId: 'ship-o4', reason: 'lost' }],
  ]);
  assert.equal(new Set(sent.map(([type]) => type)), new Set(notifyingEventTypes));
});

test('a notification is addressed to the customer when the event names one, by e-mail', () => {
  const [placed] = notificationsFor(recordEvents(events.slice(0, 1))[0]!);
  assert.equal(placed, {
    notificationId: 'order-o1@0:order_received',
    orderId: 'o1',
    customerId: 'c1',
    channel: 'email',
    template: 'order_received',
    data: { total: 2400, currency: 'EUR', lines: 1 },
  });
});

test('notification ids derive from the event id: the same event gives the same ids, others differ', () => {
  const recorded = recordEvents(events);
  const ids = recorded.flatMap((e) => notificationsFor(e).map((n) => n.notificationId));
  assert.equal(
    recorded.flatMap((e) => notificationsFor(e).map((n) => n.notificationId)),
    ids,
  );
  assert.is(new Set(ids).size, ids.length);
});

test('events of other domains are ignored', () => {
  const [foreign] = recordEvents([
    { streamId: 'inventory-mug', event: { type: 'StockReceived', sku: 'mug', quantity: 1, at } },
  ]);
  assert.equal(notificationsFor(foreign as never), []);
});

test.run();
