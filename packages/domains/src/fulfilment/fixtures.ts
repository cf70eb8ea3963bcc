import type { OrderEvent } from '../order/events';
import type { FulfilmentEvent } from './events';
import { fulfilmentTimeoutId, idempotencyKeyOf, paymentIdOf, shipmentIdOf, type TimedStep } from './ids';
import type { FulfilmentInput } from './inputs';

/**
 * Sample data for the saga's specs: an order of two lines (2 x apple at 1.50, 1 x pear at 3.00,
 * total 6.00 EUR) and the saga events of its happy path.
 */
export const sample = {
  orderId: 'o-1',
  paymentId: paymentIdOf('o-1'),
  shipmentId: shipmentIdOf('o-1'),
  idempotencyKey: idempotencyKeyOf('o-1'),
  at: '2024-05-01T10:00:00.000Z',
  address: { name: 'Ada', line1: '1 Main St', city: 'Paris', postalCode: '75001', country: 'FR' },
} as const;

/** The sample order as placed. */
export const orderPlaced: Extract<OrderEvent, { type: 'OrderPlaced' }> = {
  type: 'OrderPlaced',
  orderId: sample.orderId,
  customerId: 'c-1',
  lines: [
    { sku: 'apple', quantity: 2, unitPrice: 150 },
    { sku: 'pear', quantity: 1, unitPrice: 300 },
  ],
  total: 600,
  currency: 'EUR',
  shippingAddress: sample.address,
  at: sample.at,
};

const { orderId, paymentId, shipmentId, at } = sample;

/** The sample's inputs, by name. */
export const inputs = {
  orderPlaced,
  appleReserved: { type: 'StockReserved', sku: 'apple', orderId, quantity: 2, at },
  pearReserved: { type: 'StockReserved', sku: 'pear', orderId, quantity: 1, at },
  authorized: {
    type: 'PaymentAuthorized',
    paymentId,
    orderId,
    amount: 600,
    currency: 'EUR',
    idempotencyKey: sample.idempotencyKey,
    at,
  },
  declined: { type: 'PaymentDeclined', paymentId, orderId, reason: 'card_declined', at },
  captured: { type: 'PaymentCaptured', paymentId, orderId, amount: 600, at },
  shipmentCreated: {
    type: 'ShipmentCreated',
    shipmentId,
    orderId,
    lines: [
      { sku: 'apple', quantity: 2 },
      { sku: 'pear', quantity: 1 },
    ],
    address: sample.address,
    at,
  },
  dispatched: { type: 'ShipmentDispatched', shipmentId, orderId, at },
  shipmentFailed: { type: 'ShipmentFailed', shipmentId, orderId, reason: 'address_unknown', at },
  shipmentCancelled: { type: 'ShipmentCancelled', shipmentId, orderId, at },
} as const satisfies Record<string, FulfilmentInput>;

/** A due timeout of the sample order. */
export const timedOut = (step: TimedStep): FulfilmentInput => ({
  type: 'StepTimedOut',
  orderId,
  step,
  timeoutId: fulfilmentTimeoutId(orderId, step),
  at,
});

/** The sample saga's events along its happy path, by name. */
export const happy = {
  started: {
    type: 'FulfilmentStarted',
    orderId,
    customerId: 'c-1',
    lines: [
      { sku: 'apple', quantity: 2 },
      { sku: 'pear', quantity: 1 },
    ],
    total: 600,
    currency: 'EUR',
    shippingAddress: sample.address,
    reserveDueAt: '2024-05-01T10:00:30.000Z',
    at,
  },
  appleReserved: { type: 'LineReserved', orderId, sku: 'apple', quantity: 2, at },
  pearReserved: { type: 'LineReserved', orderId, sku: 'pear', quantity: 1, at },
  paymentRequested: {
    type: 'PaymentRequested',
    orderId,
    paymentId,
    amount: 600,
    currency: 'EUR',
    idempotencyKey: sample.idempotencyKey,
    dueAt: '2024-05-01T10:01:00.000Z',
    at,
  },
  captureRequested: {
    type: 'CaptureRequested',
    orderId,
    paymentId,
    amount: 600,
    dueAt: '2024-05-01T10:00:30.000Z',
    at,
  },
  shipmentRequested: {
    type: 'ShipmentRequested',
    orderId,
    paymentId,
    amount: 600,
    shipmentId,
    lines: [
      { sku: 'apple', quantity: 2 },
      { sku: 'pear', quantity: 1 },
    ],
    address: sample.address,
    dueAt: '2024-05-01T10:02:00.000Z',
    at,
  },
} as const satisfies Record<string, FulfilmentEvent>;

/** The happy path's saga events up to (and including) a stage. */
export const historyUntil = (stage: keyof typeof happy): ReadonlyArray<FulfilmentEvent> => {
  const order: Array<keyof typeof happy> = [
    'started',
    'appleReserved',
    'pearReserved',
    'paymentRequested',
    'captureRequested',
    'shipmentRequested',
  ];
  return order.slice(0, order.indexOf(stage) + 1).map((name) => happy[name]);
};
