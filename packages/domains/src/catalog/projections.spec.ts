import * as fc from 'fast-check';
import * as E from 'fp-ts/Either';
import { initialProjected, projectBatch } from '@ordo/kernel/adapter-kit';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { recordEvents } from '../shared/recorded';
import type { CatalogCommand } from './commands';
import { catalogDecider, catalogStreamId, type ProductState } from './decider';
import type { CatalogEvent } from './events';
import { activeProducts, type ProductCatalog, productCatalogProjection } from './projections';

const at = '2024-05-01T10:00:00.000Z';

const run = (events: ReadonlyArray<CatalogEvent>) =>
  projectBatch(
    productCatalogProjection,
    initialProjected(productCatalogProjection),
    recordEvents(events.map((event) => ({ streamId: catalogStreamId(event), event }))),
  );

test('the listing shows each product with its current price and status', () => {
  const { model } = run([
    { type: 'ProductAdded', sku: 'mug', name: 'Mug', price: 1200, currency: 'EUR', at },
    { type: 'ProductAdded', sku: 'cup', name: 'Cup', price: 800, currency: 'EUR', at },
    { type: 'PriceChanged', sku: 'mug', oldPrice: 1200, newPrice: 1300, at: '2024-05-02T00:00:00.000Z' },
    { type: 'ProductDiscontinued', sku: 'cup', at },
  ]);
  assert.equal(model.mug, {
    sku: 'mug',
    name: 'Mug',
    price: 1300,
    currency: 'EUR',
    status: 'active',
    updatedAt: '2024-05-02T00:00:00.000Z',
  });
  assert.is(model.cup?.status, 'discontinued');
  assert.equal(
    activeProducts(model).map((p) => p.sku),
    ['mug'],
  );
});

test('a sku named like an Object.prototype member is an ordinary entry', () => {
  const { model } = run([{ type: 'ProductAdded', sku: 'constructor', name: 'C', price: 1, currency: 'EUR', at }]);
  assert.is(activeProducts(model).length, 1);
  assert.equal(run([{ type: 'PriceChanged', sku: 'toString', oldPrice: 1, newPrice: 2, at }]).model, {});
});

// Commands for a few skus, each routed to its own stream, as a store would interleave them.
const command: fc.Arbitrary<CatalogCommand> = fc.oneof(
  fc.record({
    type: fc.constant('AddProduct' as const),
    sku: fc.constantFrom('a', 'b', 'c'),
    name: fc.constantFrom('A', 'B'),
    price: fc.constantFrom(100, 200),
    currency: fc.constant('EUR'),
    at: fc.constant(at),
  }),
  fc.record({
    type: fc.constant('ChangePrice' as const),
    sku: fc.constantFrom('a', 'b', 'c'),
    price: fc.constantFrom(100, 300),
    at: fc.constant(at),
  }),
  fc.record({
    type: fc.constant('DiscontinueProduct' as const),
    sku: fc.constantFrom('a', 'b', 'c'),
    at: fc.constant(at),
  }),
);

/** Runs the commands against per-sku deciders; answers the accepted events in order and the final states. */
const simulate = (commands: ReadonlyArray<CatalogCommand>) => {
  const states = new Map<string, ProductState>();
  const log: Array<{ streamId: string; event: CatalogEvent }> = [];
  for (const c of commands) {
    const streamId = catalogStreamId(c);
    const state = states.get(streamId) ?? catalogDecider.initialState;
    const outcome = catalogDecider.decide(c, state);
    if (E.isLeft(outcome)) continue;
    states.set(streamId, outcome.right.reduce(catalogDecider.evolve, state));
    for (const event of outcome.right) log.push({ streamId, event });
  }
  return { log: recordEvents(log), states };
};

test('property: the listing equals the deciders’ product states; replaying any prefix changes nothing', () => {
  fc.assert(
    fc.property(fc.array(command, { maxLength: 40, size: 'large' }), fc.nat(), (commands, cut) => {
      const { log, states } = simulate(commands);
      const whole = projectBatch(productCatalogProjection, initialProjected(productCatalogProjection), log);
      const expected: Record<string, unknown> = {};
      for (const state of states.values()) {
        if (state.status === 'absent') continue;
        expected[state.sku] = { price: state.price, status: state.status, name: state.name };
      }
      const actual: Record<string, unknown> = {};
      for (const entry of Object.values(whole.model as ProductCatalog)) {
        actual[entry.sku] = { price: entry.price, status: entry.status, name: entry.name };
      }
      assert.equal(actual, expected);
      // At-least-once delivery: a batch is redelivered from any earlier point.
      const split = log.length === 0 ? 0 : cut % (log.length + 1);
      const first = projectBatch(
        productCatalogProjection,
        initialProjected(productCatalogProjection),
        log.slice(0, split),
      );
      const again = projectBatch(productCatalogProjection, projectBatch(productCatalogProjection, first, log), log);
      assert.equal(again, whole);
    }),
    { numRuns: 200 },
  );
});

test.run();
