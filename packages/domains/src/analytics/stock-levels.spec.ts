import * as fc from 'fast-check';
import * as E from 'fp-ts/Either';
import { type RecordedEvent } from '@ordo/kernel';
import { initialProjected, projectBatch } from '@ordo/kernel/adapter-kit';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import type { InventoryCommand } from '../inventory/commands';
import { inventoryDecider, inventoryStreamId, reservedQuantity, type StockState } from '../inventory/decider';
import type { InventoryEvent } from '../inventory/events';
import { recordEvents } from '../shared/recorded';
import { stockLevelsProjection } from './stock-levels';

const at = '2024-05-01T10:00:00.000Z';
const project = (events: ReadonlyArray<RecordedEvent<InventoryEvent>>) =>
  projectBatch(stockLevelsProjection, initialProjected(stockLevelsProjection), events);

test('stock levels follow receipts, reservations, releases and shipments', () => {
  const { model } = project(
    recordEvents<InventoryEvent>(
      [
        { type: 'StockReceived', sku: 'mug', quantity: 10, at },
        { type: 'StockReserved', sku: 'mug', orderId: 'o1', quantity: 3, at },
        { type: 'StockReserved', sku: 'mug', orderId: 'o2', quantity: 2, at },
        { type: 'ReservationReleased', sku: 'mug', orderId: 'o2', quantity: 2, at },
        { type: 'ReservationCommitted', sku: 'mug', orderId: 'o1', quantity: 3, at },
        { type: 'StockReceived', sku: 'tea', quantity: 1, at },
      ].map((event) => ({ streamId: inventoryStreamId(event), event: event as InventoryEvent })),
    ),
  );
  assert.equal(model, {
    mug: { received: 10, available: 7, reserved: 0, shipped: 3 },
    tea: { received: 1, available: 1, reserved: 0, shipped: 0 },
  });
});

const sku = fc.constantFrom('mug', 'tea');
const orderId = fc.constantFrom('o1', 'o2', 'o3');
const command: fc.Arbitrary<InventoryCommand> = fc.oneof(
  fc.record({
    type: fc.constant('ReceiveStock' as const),
    sku,
    quantity: fc.integer({ min: 1, max: 5 }),
    at: fc.constant(at),
  }),
  fc.record({
    type: fc.constant('ReserveStock' as const),
    sku,
    orderId,
    quantity: fc.integer({ min: 1, max: 3 }),
    at: fc.constant(at),
  }),
  fc.record({ type: fc.constant('ReleaseReservation' as const), sku, orderId, at: fc.constant(at) }),
  fc.record({ type: fc.constant('CommitReservation' as const), sku, orderId, at: fc.constant(at) }),
);

/** Runs the commands against one inventory decider per sku; answers the recorded events and final states. */
const simulate = (commands: ReadonlyArray<InventoryCommand>) => {
  const states = new Map<string, StockState>();
  const log: Array<{ streamId: string; event: InventoryEvent }> = [];
  for (const c of commands) {
    const state = states.get(c.sku) ?? inventoryDecider.initialState;
    const outcome = inventoryDecider.decide(c, state);
    if (E.isLeft(outcome)) continue;
    states.set(c.sku, outcome.right.reduce(inventoryDecider.evolve, state));
    for (const event of outcome.right) log.push({ streamId: inventoryStreamId(c), event });
  }
  return { log: recordEvents(log), states };
};

test('property: stock levels equal the inventory deciders’ states; redelivered batches change nothing', () => {
  fc.assert(
    fc.property(fc.array(command, { maxLength: 60, size: 'large' }), fc.nat(), fc.nat(), (commands, a, b) => {
      const { log, states } = simulate(commands);
      const whole = project(log);
      const expected: Record<string, unknown> = {};
      for (const [name, s] of states) {
        expected[name] = {
          received: s.received,
          available: s.available,
          reserved: reservedQuantity(s),
          shipped: s.shipped,
        };
      }
      assert.equal(whole.model, expected);
      // Delivered in two overlapping batches, as after a crash before the checkpoint was saved.
      const [from, to] = [a % (log.length + 1), b % (log.length + 1)].sort((x, y) => x - y) as [number, number];
      const first = project(log.slice(0, to));
      const resumed = projectBatch(stockLevelsProjection, first, log.slice(from));
      assert.equal(resumed, whole);
      assert.equal(projectBatch(stockLevelsProjection, whole, log), whole);
    }),
    { numRuns: 200 },
  );
});

test.run();
