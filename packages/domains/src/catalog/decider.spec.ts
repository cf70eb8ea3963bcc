import * as E from 'fp-ts/Either';
import { decodeWith } from '@ordo/kernel';
import { deciderSpec } from '@ordo/kernel/testing';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { CatalogCommands } from './commands';
import { catalogDecider, catalogStreamId } from './decider';
import type { CatalogEvent } from './events';

const spec = deciderSpec(catalogDecider);
const at = '2024-05-01T10:00:00.000Z';
const added: CatalogEvent = { type: 'ProductAdded', sku: 'mug', name: 'Mug', price: 1200, currency: 'EUR', at };
const discontinued: CatalogEvent = { type: 'ProductDiscontinued', sku: 'mug', at };

test('adding a product records it with its price in minor units', () => {
  spec.given([]).when({ type: 'AddProduct', sku: 'mug', name: 'Mug', price: 1200, currency: 'EUR', at }).then([added]);
});

test('changing the price records the old and the new price', () => {
  spec
    .given([added])
    .when({ type: 'ChangePrice', sku: 'mug', price: 1500, at })
    .then([{ type: 'PriceChanged', sku: 'mug', oldPrice: 1200, newPrice: 1500, at }]);
  spec
    .given([added])
    .when({ type: 'ChangePrice', sku: 'mug', price: 900, currency: 'EUR', at })
    .thenState((s) => assert.equal(s.status === 'active' && s.price, 900));
});

test('setting the current price again changes nothing', () => {
  spec.given([added]).when({ type: 'ChangePrice', sku: 'mug', price: 1200, at }).then([]);
});

test('discontinuing a product makes it terminal', () => {
  spec
    .given([added])
    .when({ type: 'DiscontinueProduct', sku: 'mug', at })
    .thenState((s) => assert.ok(catalogDecider.isTerminal?.(s)));
});

test('rejects: product_already_exists when adding a sku twice', () => {
  spec
    .given([added])
    .when({ type: 'AddProduct', sku: 'mug', name: 'Mug 2', price: 1, currency: 'EUR', at })
    .thenRejects('product_already_exists');
});

test('rejects: product_not_found when re-pricing or discontinuing an unknown product', () => {
  spec.given([]).when({ type: 'ChangePrice', sku: 'mug', price: 100, at }).thenRejects('product_not_found');
  spec.given([]).when({ type: 'DiscontinueProduct', sku: 'mug', at }).thenRejects('product_not_found');
});

test('rejects: product_discontinued, a discontinued product cannot be re-priced (nor anything else)', () => {
  spec
    .given([added, discontinued])
    .when({ type: 'ChangePrice', sku: 'mug', price: 100, at })
    .thenRejects('product_discontinued');
  spec
    .given([added, discontinued])
    .when({ type: 'DiscontinueProduct', sku: 'mug', at })
    .thenRejects('product_discontinued');
  spec
    .given([added, discontinued])
    .when({ type: 'AddProduct', sku: 'mug', name: 'Mug', price: 1, currency: 'EUR', at })
    .thenRejects('product_discontinued');
});

test('rejects: invalid_price for a price that is not a positive integer (codec bypassed)', () => {
  spec
    .given([])
    .when({ type: 'AddProduct', sku: 'mug', name: 'Mug', price: 0, currency: 'EUR', at })
    .thenRejects('invalid_price');
  spec.given([added]).when({ type: 'ChangePrice', sku: 'mug', price: 9.5, at }).thenRejects('invalid_price');
});

test('rejects: currency_mismatch when a new price is stated in another currency', () => {
  spec
    .given([added])
    .when({ type: 'ChangePrice', sku: 'mug', price: 1300, currency: 'USD', at })
    .thenRejects({ code: 'currency_mismatch', details: { expected: 'EUR', actual: 'USD' } });
});

test('rejects: stream_mismatch for a command naming another sku', () => {
  spec.given([added]).when({ type: 'ChangePrice', sku: 'cup', price: 1300, at }).thenRejects('stream_mismatch');
});

test('stream id derives from the sku', () => {
  assert.is(catalogStreamId({ sku: 'mug' }), 'catalog-mug');
});

const decode = decodeWith(CatalogCommands.codec, 'command');
const issuePaths = (input: unknown): string[] => {
  const result = decode(input);
  return E.isLeft(result) ? result.left.issues.map((i) => `${i.path}:${i.expected}`) : [];
};

test('the codec accepts a well-formed command, with or without the optional currency', () => {
  assert.ok(E.isRight(decode({ type: 'AddProduct', sku: 'mug', name: 'Mug', price: 1200, currency: 'EUR', at })));
  assert.ok(E.isRight(decode({ type: 'ChangePrice', sku: 'mug', price: 1, at })));
  assert.ok(E.isRight(decode({ type: 'ChangePrice', sku: 'mug', price: 1, currency: 'USD', at })));
});

test('the codec names each bad field: price, currency, name, time', () => {
  assert.equal(issuePaths({ type: 'AddProduct', sku: 'mug', name: ' ', price: 0, currency: 'eur', at: 'yesterday' }), [
    'name:NonEmptyString',
    'price:PositiveInt',
    'currency:Currency',
    'at:IsoDateTime',
  ]);
  assert.equal(issuePaths({ type: 'ChangePrice', sku: 'mug', price: 12.5, at }), ['price:PositiveInt']);
  assert.equal(issuePaths({ type: 'ChangePrice', sku: 'mug', price: 12, currency: 'EURO', at }), ['currency:Currency']);
  assert.equal(issuePaths({ type: 'Rename', sku: 'mug' }), [
    'type:"AddProduct" | "ChangePrice" | "DiscontinueProduct"',
  ]);
});

test.run();
