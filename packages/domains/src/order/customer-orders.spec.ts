import { initialProjected, projectBatch } from '@ordo/kernel/adapter-kit';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { recordEvents } from '../shared/recorded';
import { customerOrdersProjection, ordersOfCustomer } from './customer-orders';
import { orderStreamId } from './decider';
import type { OrderEvent } from './events';

const at = '2024-05-01T10:00:00.000Z';
const later = '2024-05-01T11:00:00.000Z';
const address = { name: 'Ada', line1: '1 Main St', city: 'Paris', postalCode: '75001', country: 'FR' };
const placed = (orderId: string, customerId: string, when = at): OrderEvent => ({
  type: 'OrderPlaced',
  orderId,
  customerId,
  lines: [{ sku: 'mug', quantity: 2, unitPrice: 600 }],
  total: 1200,
  currency: 'EUR',
  shippingAddress: address,
  at: when,
});
const project = (events: ReadonlyArray<OrderEvent>) =>
  projectBatch(
    customerOrdersProjection,
    initialProjected(customerOrdersProjection),
    recordEvents<OrderEvent>(events.map((event) => ({ streamId: orderStreamId(event), event }))),
  ).model;

test('lists each customer’s orders with their latest status, oldest first', () => {
  const model = project([
    placed('o2', 'ann', later),
    placed('o1', 'ann'),
    placed('o3', 'bob'),
    { type: 'OrderConfirmed', orderId: 'o1', at: later },
    { type: 'OrderCancelled', orderId: 'o3', reason: 'changed mind', at: later },
  ]);
  assert.equal(ordersOfCustomer(model, 'ann'), [
    {
      orderId: 'o1',
      customerId: 'ann',
      status: 'confirmed',
      total: 1200,
      currency: 'EUR',
      placedAt: at,
      updatedAt: later,
    },
    {
      orderId: 'o2',
      customerId: 'ann',
      status: 'placed',
      total: 1200,
      currency: 'EUR',
      placedAt: later,
      updatedAt: later,
    },
  ]);
  assert.equal(
    ordersOfCustomer(model, 'bob').map((o) => o.status),
    ['cancelled'],
  );
  assert.equal(ordersOfCustomer(model, 'nobody'), []);
});

test('an event of an order never seen placed, or a second OrderPlaced, changes nothing', () => {
  const model = project([placed('o1', 'ann')]);
  const after = projectBatch(
    customerOrdersProjection,
    { model, position: 0n },
    recordEvents<OrderEvent>(
      [{ type: 'OrderCompleted', orderId: 'ghost', at } as OrderEvent, placed('o1', 'bob')].map((event) => ({
        streamId: orderStreamId(event),
        event,
      })),
    ),
  ).model;
  assert.equal(after.customerOf, { o1: 'ann' });
  assert.equal(ordersOfCustomer(after, 'bob'), []);
});

test('customer ids such as __proto__ are ordinary keys', () => {
  const model = project([placed('o1', '__proto__')]);
  assert.is(ordersOfCustomer(model, '__proto__').length, 1);
  assert.equal(ordersOfCustomer(model, 'constructor'), []);
});

test.run();
