import * as fc from 'fast-check';
import * as E from 'fp-ts/Either';
import * as t from 'io-ts';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { defineMessages, type MessageOf } from './messages';

const CartEvents = defineMessages(
  {
    ItemAdded: { sku: t.string, quantity: t.number },
    ItemRemoved: { sku: t.string },
    CartCheckedOut: {},
  },
  'CartEvent',
);
type CartEvent = MessageOf<typeof CartEvents>;

test('types lists every member in declaration order', () => {
  assert.equal(CartEvents.types, ['ItemAdded', 'ItemRemoved', 'CartCheckedOut']);
});

test('the codec is named after the union and its members', () => {
  assert.is(CartEvents.codec.name, 'CartEvent(ItemAdded | ItemRemoved | CartCheckedOut)');
  assert.is(defineMessages({ Only: {} }).codec.name, 'Only');
  assert.is(CartEvents.codecs.ItemAdded.name, 'ItemAdded');
});

test('the codec decodes each member and rejects unknown or malformed ones', () => {
  const added: CartEvent = { type: 'ItemAdded', sku: 'a', quantity: 2 };
  assert.equal(CartEvents.codec.decode(added), E.right(added));
  assert.equal(CartEvents.codec.decode({ type: 'CartCheckedOut' }), E.right({ type: 'CartCheckedOut' }));
  assert.ok(E.isLeft(CartEvents.codec.decode({ type: 'ItemAdded', sku: 'a' })));
  assert.ok(E.isLeft(CartEvents.codec.decode({ type: 'Unknown' })));
  assert.ok(E.isLeft(CartEvents.codec.decode({ type: 3 })));
  assert.ok(E.isLeft(CartEvents.codec.decode([])));
  assert.ok(E.isLeft(CartEvents.codec.decode(null)));
});

test('property: every well-formed member round-trips through encode and decode', () => {
  const events: fc.Arbitrary<CartEvent> = fc.oneof(
    fc.record({ type: fc.constant('ItemAdded' as const), sku: fc.string(), quantity: fc.integer() }),
    fc.record({ type: fc.constant('ItemRemoved' as const), sku: fc.string() }),
    fc.constant({ type: 'CartCheckedOut' as const }),
  );
  fc.assert(
    fc.property(events, (event) => {
      assert.ok(CartEvents.codec.is(event));
      assert.equal(CartEvents.codec.decode(CartEvents.codec.encode(event)), E.right(event));
    }),
  );
});

test('codec.is checks the member shape, not only the type tag', () => {
  assert.ok(CartEvents.codec.is({ type: 'ItemRemoved', sku: 'a' }));
  assert.not.ok(CartEvents.codec.is({ type: 'ItemRemoved' }));
  assert.not.ok(CartEvents.codec.is({ type: 'Nope', sku: 'a' }));
  assert.not.ok(CartEvents.codec.is('ItemRemoved'));
});

test('is narrows one member and checks its fields', () => {
  const value: unknown = { type: 'ItemAdded', sku: 'a', quantity: 1 };
  assert.ok(CartEvents.is('ItemAdded', value));
  assert.not.ok(CartEvents.is('ItemRemoved', value));
  assert.not.ok(CartEvents.is('ItemAdded', { type: 'ItemAdded', sku: 'a', quantity: '1' }));
  if (CartEvents.is('ItemAdded', value)) assert.is(value.quantity, 1);
});

test('make adds the type to the fields', () => {
  const added = CartEvents.make('ItemAdded', { sku: 'a', quantity: 3 });
  assert.equal(added, { type: 'ItemAdded', sku: 'a', quantity: 3 });
  assert.ok(CartEvents.codecs.ItemAdded.is(added));
  assert.equal(CartEvents.make('CartCheckedOut', {}), { type: 'CartCheckedOut' });
});

test('a union without members is refused', () => {
  assert.throws(() => defineMessages({}), /at least one message type/);
});

test.run();
