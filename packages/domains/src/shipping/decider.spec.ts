import * as E from 'fp-ts/Either';
import { decodeWith } from '@ordo/kernel';
import { deciderSpec } from '@ordo/kernel/testing';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { ShipmentCommands } from './commands';
import { shipmentDecider, shipmentStreamId } from './decider';
import type { ShipmentEvent } from './events';

const spec = deciderSpec(shipmentDecider);
const at = '2024-05-01T10:00:00.000Z';
const address = { name: 'Ann', line1: '1 Main St', city: 'Lyon', postalCode: '69001', country: 'FR' };
const lines = [{ sku: 'mug', quantity: 2 }];
const ids = { shipmentId: 'ship-o1', orderId: 'o1' } as const;
const create = { type: 'CreateShipment', ...ids, lines, address, at } as const;
const created: ShipmentEvent = { type: 'ShipmentCreated', ...ids, lines, address, at };
const dispatched: ShipmentEvent = { type: 'ShipmentDispatched', ...ids, at };
const delivered: ShipmentEvent = { type: 'ShipmentDelivered', ...ids, at };
const failed: ShipmentEvent = { type: 'ShipmentFailed', ...ids, reason: 'address_not_found', at };
const cancelled: ShipmentEvent = { type: 'ShipmentCancelled', ...ids, at };
const dispatch = { type: 'DispatchShipment', shipmentId: 'ship-o1', at } as const;
const deliver = { type: 'DeliverShipment', shipmentId: 'ship-o1', at } as const;
const fail = { type: 'FailShipment', shipmentId: 'ship-o1', reason: 'address_not_found', at } as const;
const cancel = { type: 'CancelShipment', shipmentId: 'ship-o1', at } as const;

test('a shipment is created, dispatched and delivered; every event names its order', () => {
  spec.given([]).when(create).then([created]);
  spec.given([created]).when(dispatch).then([dispatched]);
  spec.given([created, dispatched]).when(deliver).then([delivered]);
});

test('a shipment can fail before or after dispatch, and be cancelled before dispatch', () => {
  spec.given([created]).when(fail).then([failed]);
  spec
    .given([created, dispatched])
    .when(fail)
    .thenState((s) => assert.ok(s.status === 'failed' && s.failureReason === 'address_not_found'));
  spec.given([created]).when(cancel).then([cancelled]);
});

test('rejects: shipment_already_exists', () => {
  spec.given([created]).when(create).thenRejects('shipment_already_exists');
});

test('rejects: shipment_not_found before creation', () => {
  for (const command of [dispatch, deliver, fail, cancel])
    spec.given([]).when(command).thenRejects('shipment_not_found');
});

test('rejects: shipment_already_dispatched when dispatching twice or cancelling after dispatch', () => {
  spec.given([created, dispatched]).when(dispatch).thenRejects('shipment_already_dispatched');
  spec.given([created, dispatched]).when(cancel).thenRejects('shipment_already_dispatched');
});

test('rejects: shipment_not_dispatched when delivering before dispatch', () => {
  spec.given([created]).when(deliver).thenRejects('shipment_not_dispatched');
});

test('rejects: shipment_delivered, shipment_failed, shipment_cancelled on terminal shipments', () => {
  spec.given([created, dispatched, delivered]).when(fail).thenRejects('shipment_delivered');
  spec.given([created, failed]).when(dispatch).thenRejects('shipment_failed');
  spec.given([created, cancelled]).when(cancel).thenRejects('shipment_cancelled');
});

test('rejects: invalid_lines (codec bypassed)', () => {
  spec
    .given([])
    .when({ ...create, lines: [] })
    .thenRejects('invalid_lines');
  spec
    .given([])
    .when({ ...create, lines: [{ sku: 'mug', quantity: 0 }] })
    .thenRejects('invalid_lines');
  spec
    .given([])
    .when({ ...create, lines: [lines[0]!, lines[0]!] })
    .thenRejects('invalid_lines');
});

test('rejects: stream_mismatch for a command naming another shipment', () => {
  spec
    .given([created])
    .when({ ...dispatch, shipmentId: 'ship-o2' })
    .thenRejects('stream_mismatch');
});

test('stream id derives from the shipment id', () => {
  assert.is(shipmentStreamId({ shipmentId: 'ship-o1' }), 'shipment-ship-o1');
});

test('the codec names bad lines and address fields', () => {
  const result = decodeWith(
    ShipmentCommands.codec,
    'command',
  )({
    ...create,
    lines: [{ sku: 'mug', quantity: 0 }],
    address: { ...address, postalCode: undefined },
  });
  assert.ok(E.isLeft(result));
  if (E.isLeft(result)) {
    assert.equal(
      result.left.issues.map((i) => `${i.path}:${i.expected}`),
      ['lines.0.quantity:PositiveInt', 'address.postalCode:NonEmptyString'],
    );
  }
});

test.run();
