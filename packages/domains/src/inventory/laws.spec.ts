import * as fc from 'fast-check';
import * as E from 'fp-ts/Either';
import { fold } from '@ordo/kernel';
import { type DeciderLawOptions, deciderLawResults } from '@ordo/kernel/testing';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import type { InventoryCommand } from './commands';
import { inventoryRejectionCodes, inventoryDecider, reservedQuantity, type StockState } from './decider';

// Longer command sequences than fast-check's small default, so streams get through their whole life.
fc.configureGlobal({ baseSize: 'medium' });

const at = fc.constant('2024-05-01T10:00:00.000Z');
const sku = fc.oneof({ arbitrary: fc.constant('mug'), weight: 15 }, { arbitrary: fc.constant('cup'), weight: 1 });
// Three orders and small quantities: reservations collide, run out, get released and committed.
const orderId = fc.constantFrom('o1', 'o2', 'o3');
const quantity = fc.oneof(
  { arbitrary: fc.integer({ min: 1, max: 4 }), weight: 10 },
  { arbitrary: fc.constantFrom(0, -1), weight: 1 },
);

const inventoryCommands: fc.Arbitrary<InventoryCommand> = fc.oneof(
  fc.record({ type: fc.constant('ReceiveStock' as const), sku, quantity, at }),
  { arbitrary: fc.record({ type: fc.constant('ReserveStock' as const), sku, orderId, quantity, at }), weight: 2 },
  fc.record({ type: fc.constant('ReleaseReservation' as const), sku, orderId, at }),
  fc.record({ type: fc.constant('CommitReservation' as const), sku, orderId, at }),
);

const options: DeciderLawOptions<InventoryCommand, StockState> = {
  commands: inventoryCommands,
  numRuns: 300,
  maxCommands: 30,
  invariants: [
    { description: 'available stock is never negative', holds: (s) => s.available >= 0 },
    {
      description: 'stock is conserved: received = available + reserved + shipped',
      holds: (s) => s.received === s.available + reservedQuantity(s) + s.shipped,
    },
    {
      description: 'every open reservation holds a positive quantity',
      holds: (s) => Object.values(s.reservations).every((q) => Number.isSafeInteger(q) && q > 0),
    },
    {
      description: 'an order’s reservation is either open or ended, never both',
      holds: (s) =>
        Object.keys(s.reservations).every((order) => !Object.prototype.hasOwnProperty.call(s.closed, order)),
    },
  ],
};

for (const result of deciderLawResults(inventoryDecider, options)) {
  if (result.skipped !== undefined) continue;
  test(`inventory decider law: ${result.law} (${result.note ?? 'checked'})`, () => {
    assert.ok(result.ok, result.counterexample);
    const covered = /in (\d+) of/.exec(result.note ?? '');
    if (covered) assert.ok(Number(covered[1]) > 0, `the law never met its subject: ${result.note}`);
  });
}

test('the laws catch an inventory that reserves without checking what is available', () => {
  const broken = {
    ...inventoryDecider,
    decide: (command: InventoryCommand, state: StockState) =>
      inventoryDecider.decide(
        command,
        command.type === 'ReserveStock' ? { ...state, available: Number.MAX_SAFE_INTEGER } : state,
      ),
  };
  const failed = deciderLawResults(broken, options).find((r) => !r.ok);
  assert.match(failed?.counterexample ?? '', /available stock is never negative/);
});

test('every rejection of inventoryDecider carries a documented code', () => {
  fc.assert(
    fc.property(fc.array(inventoryCommands, { maxLength: 30 }), (commands) => {
      let state = inventoryDecider.initialState;
      for (const command of commands) {
        const outcome = inventoryDecider.decide(command, state);
        if (E.isLeft(outcome))
          assert.ok((inventoryRejectionCodes as ReadonlyArray<string>).includes(outcome.left.code), outcome.left.code);
        else state = fold(inventoryDecider, outcome.right, state);
      }
    }),
    { numRuns: 300 },
  );
});

test.run();
