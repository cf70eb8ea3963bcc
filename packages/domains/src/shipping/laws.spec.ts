import * as fc from 'fast-check';
import * as E from 'fp-ts/Either';
import { fold } from '@ordo/kernel';
import { type DeciderLawOptions, deciderLawResults } from '@ordo/kernel/testing';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import type { ShipmentCommand } from './commands';
import { shipmentRejectionCodes, shipmentDecider, type ShipmentState } from './decider';

// Longer command sequences than fast-check's small default, so shipments get through their whole life.
fc.configureGlobal({ baseSize: 'medium' });

const at = fc.constantFrom('2024-05-01T10:00:00.000Z', '2024-05-02T10:00:00.000Z');
const shipmentId = fc.oneof(
  { arbitrary: fc.constant('ship-o1'), weight: 20 },
  { arbitrary: fc.constant('ship-o2'), weight: 1 },
);
const address = fc.constant({ name: 'Ann', line1: '1 Main St', city: 'Lyon', postalCode: '69001', country: 'FR' });
const lines = fc.oneof(
  { arbitrary: fc.constant([{ sku: 'mug', quantity: 2 }]), weight: 10 },
  { arbitrary: fc.constant([]), weight: 1 },
);

const shipmentCommands: fc.Arbitrary<ShipmentCommand> = fc.oneof(
  {
    arbitrary: fc.record({
      type: fc.constant('CreateShipment' as const),
      shipmentId,
      orderId: fc.constant('o1'),
      lines,
      address,
      at,
    }),
    weight: 3,
  },
  { arbitrary: fc.record({ type: fc.constant('DispatchShipment' as const), shipmentId, at }), weight: 3 },
  { arbitrary: fc.record({ type: fc.constant('DeliverShipment' as const), shipmentId, at }), weight: 3 },
  fc.record({ type: fc.constant('FailShipment' as const), shipmentId, reason: fc.constant('lost'), at }),
  fc.record({ type: fc.constant('CancelShipment' as const), shipmentId, at }),
);

const options: DeciderLawOptions<ShipmentCommand, ShipmentState> = {
  commands: shipmentCommands,
  numRuns: 500,
  maxCommands: 20,
  invariants: [
    {
      description: 'a shipment is delivered only after it was dispatched',
      holds: (s) => s.status !== 'delivered' || s.dispatchedAt !== undefined,
    },
    {
      description: 'a cancelled shipment was never dispatched',
      holds: (s) => s.status !== 'cancelled' || s.dispatchedAt === undefined,
    },
    {
      description: 'a shipment has a failure reason exactly when it failed',
      holds: (s) => s.status === 'none' || (s.status === 'failed') === (s.failureReason !== undefined),
    },
  ],
};

for (const result of deciderLawResults(shipmentDecider, options)) {
  if (result.skipped !== undefined) continue;
  test(`shipment decider law: ${result.law} (${result.note ?? 'checked'})`, () => {
    assert.ok(result.ok, result.counterexample);
    const covered = /in (\d+) of/.exec(result.note ?? '');
    if (covered) assert.ok(Number(covered[1]) > 0, `the law never met its subject: ${result.note}`);
  });
}

test('the laws catch a shipment delivered without dispatch', () => {
  const broken = {
    ...shipmentDecider,
    decide: (command: ShipmentCommand, state: ShipmentState) =>
      command.type === 'DeliverShipment' && state.status === 'created'
        ? shipmentDecider.decide(command, { ...state, status: 'dispatched' })
        : shipmentDecider.decide(command, state),
  };
  const failed = deciderLawResults(broken, options).find((r) => !r.ok);
  assert.match(failed?.counterexample ?? '', /delivered only after it was dispatched/);
});

test('every rejection of shipmentDecider carries a documented code', () => {
  fc.assert(
    fc.property(fc.array(shipmentCommands, { maxLength: 30 }), (commands) => {
      let state = shipmentDecider.initialState;
      for (const command of commands) {
        const outcome = shipmentDecider.decide(command, state);
        if (E.isLeft(outcome))
          assert.ok((shipmentRejectionCodes as ReadonlyArray<string>).includes(outcome.left.code), outcome.left.code);
        else state = fold(shipmentDecider, outcome.right, state);
      }
    }),
    { numRuns: 300 },
  );
});

test.run();
