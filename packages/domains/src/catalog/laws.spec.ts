import * as fc from 'fast-check';
import * as E from 'fp-ts/Either';
import { fold } from '@ordo/kernel';
import { type DeciderLawOptions, deciderLawResults } from '@ordo/kernel/testing';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import type { CatalogCommand } from './commands';
import { catalogRejectionCodes, catalogDecider, type ProductState } from './decider';

// Longer command sequences than fast-check's small default, so streams get through their whole life.
fc.configureGlobal({ baseSize: 'medium' });

const at = fc.constantFrom('2024-05-01T10:00:00.000Z', '2024-05-02T23:30:00+02:00');
// Mostly one sku, as on a real stream; now and then another one, to exercise the routing guard.
const sku = fc.oneof({ arbitrary: fc.constant('mug'), weight: 12 }, { arbitrary: fc.constant('cup'), weight: 1 });
const price = fc.oneof(
  { arbitrary: fc.constantFrom(500, 1200, 1500), weight: 8 },
  { arbitrary: fc.constantFrom(0, -3, 9.5), weight: 1 },
);
const currency = fc.constantFrom('EUR', 'USD');

/** Catalog commands over a tiny pool of skus and prices, so they collide. */
const catalogCommands: fc.Arbitrary<CatalogCommand> = fc.oneof(
  fc.record({ type: fc.constant('AddProduct' as const), sku, name: fc.constant('Mug'), price, currency, at }),
  fc.record({ type: fc.constant('ChangePrice' as const), sku, price, at }),
  fc.record({ type: fc.constant('ChangePrice' as const), sku, price, currency, at }),
  fc.record({ type: fc.constant('DiscontinueProduct' as const), sku, at }),
);

const options: DeciderLawOptions<CatalogCommand, ProductState> = {
  commands: catalogCommands,
  numRuns: 200,
  invariants: [
    {
      description: 'a product in the catalog always has a positive integer price',
      holds: (s) => s.status === 'absent' || (Number.isSafeInteger(s.price) && s.price > 0),
    },
  ],
};

for (const result of deciderLawResults(catalogDecider, options)) {
  if (result.skipped !== undefined) continue;
  test(`catalog decider law: ${result.law} (${result.note ?? 'checked'})`, () => {
    assert.ok(result.ok, result.counterexample);
    const covered = /in (\d+) of/.exec(result.note ?? '');
    if (covered) assert.ok(Number(covered[1]) > 0, `the law never met its subject: ${result.note}`);
  });
}

test('the laws catch a catalog that re-prices discontinued products', () => {
  const broken = {
    ...catalogDecider,
    decide: (command: CatalogCommand, state: ProductState) =>
      state.status === 'discontinued' && command.type === 'ChangePrice'
        ? catalogDecider.decide(command, { ...state, status: 'active' })
        : catalogDecider.decide(command, state),
  };
  const failed = deciderLawResults(broken, options).filter((r) => !r.ok);
  assert.equal(
    failed.map((r) => r.law),
    ['terminal states accept nothing'],
  );
});

test('every rejection of catalogDecider carries a documented code', () => {
  fc.assert(
    fc.property(fc.array(catalogCommands, { maxLength: 30 }), (commands) => {
      let state = catalogDecider.initialState;
      for (const command of commands) {
        const outcome = catalogDecider.decide(command, state);
        if (E.isLeft(outcome))
          assert.ok((catalogRejectionCodes as ReadonlyArray<string>).includes(outcome.left.code), outcome.left.code);
        else state = fold(catalogDecider, outcome.right, state);
      }
    }),
    { numRuns: 300 },
  );
});

test.run();
