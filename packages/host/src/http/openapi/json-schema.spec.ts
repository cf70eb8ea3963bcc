import * as t from 'io-ts';
import {
  CatalogCommands,
  CustomerCommands,
  EmailReservationCommands,
  InventoryCommands,
  OrderCommands,
  PaymentCommands,
  ShipmentCommands,
} from '@ordo/domains';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { domainSchemas } from './domain-schemas';
import { codecToJsonSchema, UnsupportedCodecError } from './json-schema';
import { schemaProblems } from './schema-check';

test('converts the io-ts codec kinds', () => {
  const codec = t.intersection([
    t.type({
      s: t.string,
      n: t.number,
      i: t.Int,
      b: t.boolean,
      l: t.literal('x'),
      k: t.keyof({ a: null, b: null }),
      u: t.union([t.literal(1), t.literal(2)]),
      mixed: t.union([t.string, t.null]),
      maybe: t.union([t.string, t.undefined]),
      list: t.array(t.string),
      frozen: t.readonlyArray(t.number),
      dict: t.record(t.string, t.boolean),
      ro: t.readonly(t.type({ x: t.string })),
      exact: t.exact(t.type({ y: t.string })),
      any: t.unknown,
      brand: t.brand(t.number, (n): n is t.Branded<number, { readonly Pos: unique symbol }> => n > 0, 'Pos'),
    }),
    t.partial({ opt: t.string }),
  ]);
  assert.equal(codecToJsonSchema(codec), {
    type: 'object',
    properties: {
      s: { type: 'string' },
      n: { type: 'number' },
      i: { type: 'integer' },
      b: { type: 'boolean' },
      l: { const: 'x' },
      k: { type: 'string', enum: ['a', 'b'] },
      u: { enum: [1, 2] },
      mixed: { anyOf: [{ type: 'string' }, { type: 'null' }] },
      maybe: { type: 'string' },
      list: { type: 'array', items: { type: 'string' } },
      frozen: { type: 'array', items: { type: 'number' } },
      dict: { type: 'object', additionalProperties: { type: 'boolean' } },
      ro: { type: 'object', properties: { x: { type: 'string' } }, required: ['x'] },
      exact: { type: 'object', properties: { y: { type: 'string' } }, required: ['y'] },
      any: {},
      brand: { type: 'number' },
      opt: { type: 'string' },
    },
    required: ['s', 'n', 'i', 'b', 'l', 'k', 'u', 'mixed', 'list', 'frozen', 'dict', 'ro', 'exact', 'brand'],
  });
});

test('a codec without structure and without an opaque schema is refused by name', () => {
  const opaque = new t.Type<string, string, unknown>('Mystery', t.string.is, t.string.validate, t.identity);
  assert.throws(
    () => codecToJsonSchema(t.type({ m: opaque })),
    (e: unknown) => e instanceof UnsupportedCodecError && e.codecName === 'Mystery',
  );
  assert.equal(codecToJsonSchema(opaque, { Mystery: { type: 'string', minLength: 3 } }), {
    type: 'string',
    minLength: 3,
  });
});

test('every command of every domain converts, and their examples conform to their schemas', () => {
  const unions = [
    CatalogCommands,
    InventoryCommands,
    OrderCommands,
    PaymentCommands,
    ShipmentCommands,
    CustomerCommands,
    EmailReservationCommands,
  ];
  for (const union of unions) {
    for (const type of union.types) {
      const codec = (union.codecs as Record<string, t.Mixed>)[type];
      assert.ok(codec !== undefined);
      const schema = codecToJsonSchema(codec, domainSchemas);
      assert.is(schema.type, 'object', type);
      assert.ok(schema.required?.includes('type'), type);
    }
  }
  const placeOrder = codecToJsonSchema(OrderCommands.codecs.PlaceOrder, domainSchemas);
  const valid = {
    type: 'PlaceOrder',
    orderId: 'o1',
    customerId: 'c1',
    lines: [{ sku: 'mug', quantity: 1, unitPrice: 100 }],
    currency: 'EUR',
    shippingAddress: { name: 'A', line1: 'B', city: 'C', postalCode: 'D', country: 'E' },
    at: '2024-05-01T09:00:00.000Z',
  };
  assert.ok(OrderCommands.codecs.PlaceOrder.is(valid));
  assert.equal(schemaProblems(placeOrder, valid, {}), []);
  const invalid = { ...valid, orderId: 'has space', lines: [], currency: 'eur' };
  assert.not.ok(OrderCommands.codecs.PlaceOrder.is(invalid));
  assert.equal(schemaProblems(placeOrder, invalid, {}).length, 3);
  const changePrice = codecToJsonSchema(CatalogCommands.codecs.ChangePrice, domainSchemas);
  assert.equal(changePrice.required, ['type', 'sku', 'price', 'at'], 'the optional currency is not required');
});

test.run();
