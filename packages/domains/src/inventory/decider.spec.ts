import * as E from 'fp-ts/Either';
import { decodeWith } from '@ordo/kernel';
import { deciderSpec } from '@ordo/kernel/testing';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { InventoryCommands } from './commands';
import { inventoryDecider, inventoryStreamId, reservedQuantity } from './decider';
import type { InventoryEvent } from './events';

const spec = deciderSpec(inventoryDecider);
const at = '2024-05-01T10:00:00.000Z';
const received = (quantity: number): InventoryEvent => ({ type: 'StockReceived', sku: 'mug', quantity, at });
const reserved = (orderId: string, quantity: number): InventoryEvent => ({
  type: 'StockReserved',
  sku: 'mug',
  orderId,
  quantity,
  at,
});
const released = (orderId: string, quantity: number): InventoryEvent => ({
  type: 'ReservationReleased',
  sku: 'mug',
  orderId,
  quantity,
  at,
});
const committed = (orderId: string, quantity: number): InventoryEvent => ({
  type: 'ReservationCommitted',
  sku: 'mug',
  orderId,
  quantity,
  at,
});

test('receiving stock makes it available', () => {
  spec
    .given([])
    .when({ type: 'ReceiveStock', sku: 'mug', quantity: 10, at })
    .then([received(10)]);
});

test('reserving takes stock from available into the order’s reservation', () => {
  spec
    .given([received(10)])
    .when({ type: 'ReserveStock', sku: 'mug', orderId: 'o1', quantity: 4, at })
    .then([reserved('o1', 4)]);
  spec
    .given([received(10), reserved('o1', 4)])
    .when({ type: 'ReserveStock', sku: 'mug', orderId: 'o2', quantity: 6, at })
    .thenState((s) => {
      assert.is(s.available, 0);
      assert.is(reservedQuantity(s), 10);
    });
});

test('reserving again for the same order and quantity is accepted with no events (idempotent)', () => {
  spec
    .given([received(10), reserved('o1', 4)])
    .when({ type: 'ReserveStock', sku: 'mug', orderId: 'o1', quantity: 4, at })
    .then([]);
});

test('releasing gives the reserved quantity back; committing ships it', () => {
  spec
    .given([received(10), reserved('o1', 4)])
    .when({ type: 'ReleaseReservation', sku: 'mug', orderId: 'o1', at })
    .then([released('o1', 4)]);
  spec
    .given([received(10), reserved('o1', 4)])
    .when({ type: 'CommitReservation', sku: 'mug', orderId: 'o1', at })
    .thenState((s) => {
      assert.equal([s.received, s.available, reservedQuantity(s), s.shipped], [10, 6, 0, 4]);
    });
});

test('releasing or committing twice is accepted with no events (retried compensation)', () => {
  spec
    .given([received(10), reserved('o1', 4), released('o1', 4)])
    .when({ type: 'ReleaseReservation', sku: 'mug', orderId: 'o1', at })
    .then([]);
  spec
    .given([received(10), reserved('o1', 4), committed('o1', 4)])
    .when({ type: 'CommitReservation', sku: 'mug', orderId: 'o1', at })
    .then([]);
});

test('rejects: insufficient_stock when reserving more than is available', () => {
  spec
    .given([received(3)])
    .when({ type: 'ReserveStock', sku: 'mug', orderId: 'o1', quantity: 4, at })
    .thenRejects({ code: 'insufficient_stock', details: { sku: 'mug', orderId: 'o1', available: 3, requested: 4 } });
  spec
    .given([])
    .when({ type: 'ReserveStock', sku: 'mug', orderId: 'o1', quantity: 1, at })
    .thenRejects('insufficient_stock');
});

test('rejects: reservation_conflict when the order already holds another quantity', () => {
  spec
    .given([received(10), reserved('o1', 4)])
    .when({ type: 'ReserveStock', sku: 'mug', orderId: 'o1', quantity: 5, at })
    .thenRejects('reservation_conflict');
});

test('rejects: reservation_closed when reserving again for an order whose reservation ended', () => {
  spec
    .given([received(10), reserved('o1', 4), released('o1', 4)])
    .when({ type: 'ReserveStock', sku: 'mug', orderId: 'o1', quantity: 4, at })
    .thenRejects({ code: 'reservation_closed', details: { sku: 'mug', orderId: 'o1', outcome: 'released' } });
  spec
    .given([received(10), reserved('o1', 4), committed('o1', 4)])
    .when({ type: 'ReserveStock', sku: 'mug', orderId: 'o1', quantity: 4, at })
    .thenRejects('reservation_closed');
});

test('rejects: unknown_reservation when releasing or committing what was never reserved', () => {
  spec
    .given([received(10)])
    .when({ type: 'ReleaseReservation', sku: 'mug', orderId: 'o9', at })
    .thenRejects('unknown_reservation');
  spec
    .given([received(10), reserved('o1', 1)])
    .when({ type: 'CommitReservation', sku: 'mug', orderId: 'o9', at })
    .thenRejects('unknown_reservation');
});

test('rejects: reservation_committed when releasing a shipped reservation', () => {
  spec
    .given([received(10), reserved('o1', 4), committed('o1', 4)])
    .when({ type: 'ReleaseReservation', sku: 'mug', orderId: 'o1', at })
    .thenRejects('reservation_committed');
});

test('rejects: reservation_released when committing a released reservation', () => {
  spec
    .given([received(10), reserved('o1', 4), released('o1', 4)])
    .when({ type: 'CommitReservation', sku: 'mug', orderId: 'o1', at })
    .thenRejects('reservation_released');
});

test('rejects: invalid_quantity for a quantity that is not a positive integer (codec bypassed)', () => {
  spec.given([]).when({ type: 'ReceiveStock', sku: 'mug', quantity: -2, at }).thenRejects('invalid_quantity');
  spec
    .given([received(10)])
    .when({ type: 'ReserveStock', sku: 'mug', orderId: 'o1', quantity: 0.5, at })
    .thenRejects('invalid_quantity');
});

test('rejects: stream_mismatch for a command naming another sku', () => {
  spec
    .given([received(10)])
    .when({ type: 'ReceiveStock', sku: 'cup', quantity: 1, at })
    .thenRejects('stream_mismatch');
});

test('stream id derives from the sku', () => {
  assert.is(inventoryStreamId({ sku: 'mug' }), 'inventory-mug');
});

const decode = decodeWith(InventoryCommands.codec, 'command');

test('the codec names each bad field', () => {
  const result = decode({ type: 'ReserveStock', sku: '', orderId: 'o 1', quantity: 0, at });
  assert.ok(E.isLeft(result));
  if (E.isLeft(result)) {
    assert.equal(
      result.left.issues.map((i) => `${i.path}:${i.expected}`),
      ['sku:Sku', 'orderId:Identifier', 'quantity:PositiveInt'],
    );
    assert.match(result.left.message, /quantity: expected PositiveInt, got 0/);
  }
  assert.ok(E.isRight(decode({ type: 'ReceiveStock', sku: 'mug', quantity: 3, at })));
});

test.run();
