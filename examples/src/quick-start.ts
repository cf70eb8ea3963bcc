// Ordo in one file: a decider, a command handled against the in-memory store, a projection.
import { createInlineProjection, createInMemoryEventStore } from '@ordo/adapter-memory';
import {
  accept,
  createCommandHandler,
  type Decider,
  defineMessages,
  domainError,
  reject,
  type MessageOf,
} from '@ordo/kernel';
import * as E from 'fp-ts/Either';
import * as t from 'io-ts';

// 1. Commands and events: discriminated unions with io-ts codecs.
const CartCommands = defineMessages({
  AddItem: { cartId: t.string, sku: t.string, quantity: t.number },
  CheckOut: { cartId: t.string },
});
type CartCommand = MessageOf<typeof CartCommands>;
const CartEvents = defineMessages({
  ItemAdded: { cartId: t.string, sku: t.string, quantity: t.number },
  CartCheckedOut: { cartId: t.string, items: t.number },
});
type CartEvent = MessageOf<typeof CartEvents>;

// 2. The decider: pure decide / evolve / initial state.
type Cart = { readonly items: number; readonly checkedOut: boolean };
const cart: Decider<CartCommand, CartEvent, Cart> = {
  initialState: { items: 0, checkedOut: false },
  decide: (command, state) => {
    if (state.checkedOut) return reject(domainError('cart_checked_out', 'the cart is already checked out'));
    switch (command.type) {
      case 'AddItem':
        if (command.quantity <= 0) return reject(domainError('invalid_quantity', 'quantity must be positive'));
        return accept({ type: 'ItemAdded', cartId: command.cartId, sku: command.sku, quantity: command.quantity });
      case 'CheckOut':
        if (state.items === 0) return reject(domainError('empty_cart', 'nothing to check out'));
        return accept({ type: 'CartCheckedOut', cartId: command.cartId, items: state.items });
    }
  },
  evolve: (state, event) =>
    event.type === 'ItemAdded' ? { ...state, items: state.items + event.quantity } : { ...state, checkedOut: true },
  isTerminal: (state) => state.checkedOut,
};

// 3. A projection, applied inline with every append: units sold per sku.
const unitsPerSku = createInlineProjection<CartEvent, Readonly<Record<string, number>>>({
  name: 'units-per-sku',
  initialState: {},
  evolve: (model, { event }) =>
    event.type === 'ItemAdded' ? { ...model, [event.sku]: (model[event.sku] ?? 0) + event.quantity } : model,
});

// 4. The store and the command handler (load, decide, append with the loaded version, retry on conflict).
const store = createInMemoryEventStore<CartEvent>({ inlineProjections: [unitsPerSku] });
const carts = createCommandHandler({
  decider: cart,
  store,
  streamId: (command: CartCommand) => `cart-${command.cartId}`,
  commandCodec: CartCommands.codec, // adds handleUntrusted: bad input is a ValidationError value
  eventCodec: CartEvents.codec, // stored events are decoded on load too
});

const at = '2026-01-01T12:00:00Z';
const show = (label: string, result: Awaited<ReturnType<typeof carts.handle>>) =>
  console.log(
    label.padEnd(28),
    E.isRight(result)
      ? `ok, version ${result.right.version}${result.right.duplicate ? ' (duplicate, nothing appended)' : ''}`
      : `${result.left._tag}: ${result.left.message}`,
  );

show(
  'add 2 books',
  await carts.handle({ type: 'AddItem', cartId: '1', sku: 'book', quantity: 2 }, { commandId: 'c1', occurredAt: at }),
);
show(
  'add 1 pen',
  await carts.handle({ type: 'AddItem', cartId: '1', sku: 'pen', quantity: 1 }, { commandId: 'c2', occurredAt: at }),
);
show(
  'same command id again',
  await carts.handle({ type: 'AddItem', cartId: '1', sku: 'pen', quantity: 1 }, { commandId: 'c2', occurredAt: at }),
);
// Input from outside (an HTTP body, a message) goes through the codec: `handle` takes only typed commands.
show(
  'bad input',
  await carts.handleUntrusted(
    { type: 'AddItem', cartId: '1', sku: 'pen', quantity: 'many' },
    { commandId: 'c3', occurredAt: at },
  ),
);
show('bad time', await carts.handle({ type: 'CheckOut', cartId: '1' }, { commandId: 'c4', occurredAt: 'yesterday' }));
show('check out', await carts.handle({ type: 'CheckOut', cartId: '1' }, { commandId: 'c4', occurredAt: at }));
show(
  'add after check-out',
  await carts.handle({ type: 'AddItem', cartId: '1', sku: 'mug', quantity: 1 }, { commandId: 'c5', occurredAt: at }),
);

console.log(
  'stream cart-1:',
  (await store.readStream('cart-1')).map((e) => `${e.streamVersion}:${e.event.type}`).join(', '),
);
console.log('units per sku:', unitsPerSku.model());
