import { createInMemoryEventStore } from '@ordo/adapter-memory';
import * as E from 'fp-ts/Either';
import { createCommandHandler } from '@ordo/kernel';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { inventoryCommandCodec } from './commands';
import { inventoryDecider, inventoryStreamId } from './decider';
import { type InventoryEvent, InventoryEvents } from './events';

// The domain wired as a host would wire it: codecs at the boundary, the decider behind them.
const setup = () => {
  const store = createInMemoryEventStore<InventoryEvent>();
  const handler = createCommandHandler({
    decider: inventoryDecider,
    store,
    streamId: inventoryStreamId,
    commandCodec: inventoryCommandCodec,
    eventCodec: InventoryEvents.codec,
  });
  return { store, handler };
};
const context = (commandId: string) => ({ commandId, occurredAt: '2024-05-01T10:00:00.000Z' });
const at = '2024-05-01T10:00:00.000Z';

test('bad untrusted input is a ValidationError naming the field, and nothing is written', async () => {
  const { store, handler } = setup();
  const result = await handler.handleUntrusted({ type: 'ReceiveStock', sku: 'mug', quantity: -3, at }, context('c1'));
  assert.ok(E.isLeft(result));
  if (E.isLeft(result)) {
    assert.is(result.left._tag, 'ValidationError');
    assert.match(result.left.message, /quantity: expected PositiveInt, got -3/);
  }
  assert.equal(await store.readAll(), []);
});

test('a rejection is a DomainError with its code, and nothing is written', async () => {
  const { store, handler } = setup();
  await handler.handle({ type: 'ReceiveStock', sku: 'mug', quantity: 2, at }, context('c1'));
  const result = await handler.handle(
    { type: 'ReserveStock', sku: 'mug', orderId: 'o1', quantity: 3, at },
    context('c2'),
  );
  assert.ok(E.isLeft(result) && result.left._tag === 'DomainError' && result.left.code === 'insufficient_stock');
  assert.is((await store.readStream('inventory-mug')).length, 1);
});

test('accepted commands land in the sku’s stream', async () => {
  const { store, handler } = setup();
  await handler.handle({ type: 'ReceiveStock', sku: 'mug', quantity: 5, at }, context('c1'));
  const reserved = await handler.handle(
    { type: 'ReserveStock', sku: 'mug', orderId: 'o1', quantity: 3, at },
    context('c2'),
  );
  assert.ok(E.isRight(reserved) && reserved.right.state.available === 2);
  assert.equal(
    (await store.readStream('inventory-mug')).map((e) => e.event.type),
    ['StockReceived', 'StockReserved'],
  );
});

test.run();
