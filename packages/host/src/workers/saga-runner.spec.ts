import { createInMemoryEventStore, createInMemoryInbox, createManualClock } from '@ordo/adapter-memory';
import { FulfilmentInputCodec, fulfilmentCommandRejected, fulfilmentSaga, type OrderCommand } from '@ordo/domains';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { createCommandDispatcher } from './command-dispatcher';
import { commerceCommandRoutes } from './domain-routes';
import { createSagaRunner } from './saga-runner';

const at = '2024-05-01T10:00:00.000Z';

const setup = async () => {
  const clock = createManualClock(at);
  const store = createInMemoryEventStore();
  const dispatcher = createCommandDispatcher({ routes: commerceCommandRoutes(store), inbox: createInMemoryInbox() });
  const runner = createSagaRunner({ saga: fulfilmentSaga, store, clock, inputCodec: FulfilmentInputCodec });
  const place: OrderCommand = {
    type: 'PlaceOrder',
    orderId: 'o1',
    customerId: 'c1',
    lines: [{ sku: 'apple', quantity: 2, unitPrice: 100 }],
    currency: 'EUR',
    shippingAddress: { name: 'Ada', line1: '1 Main St', city: 'Paris', postalCode: '75001', country: 'FR' },
    at,
  };
  await dispatcher.dispatch({ command: place, commandId: 'place:o1', occurredAt: at });
  const [placed] = await store.readStream('order-o1');
  return { store, runner, placed: placed! };
};

const types = async (store: ReturnType<typeof createInMemoryEventStore>, id: string) =>
  (await store.readStream(id)).map((e) => e.event.type);

test('an input is handled once by message id; an undecodable one is ignored', async () => {
  const { store, runner, placed } = await setup();
  assert.is(await runner.handleInput(placed.event, placed.metadata.eventId), 'handled');
  assert.is(await runner.handleInput(placed.event, placed.metadata.eventId), 'duplicate');
  assert.is(await runner.handleInput({ type: 'OrderPlaced', orderId: 42 }, 'garbage'), 'ignored');
  assert.equal(await types(store, 'fulfilment-o1'), ['FulfilmentStarted']);
});

test('a rejected command as input compensates; a repeat of the same rejection changes nothing', async () => {
  const { store, runner, placed } = await setup();
  await runner.handleInput(placed.event, placed.metadata.eventId);
  const rejected = fulfilmentCommandRejected(
    'o1',
    'o1:reserve:apple',
    { code: 'insufficient_stock', message: 'none left' },
    at,
  );
  assert.ok(rejected !== undefined, 'the reservation command id is one of the saga');
  const signal = runner.signalOf(rejected, 'rejected:o1:reserve:apple');
  assert.is(await runner.handleInput(signal.input, signal.messageId), 'handled');
  const after = await types(store, 'fulfilment-o1');
  assert.ok(after.includes('ReservationRefused') || after.includes('CompensationStarted'), after.join(','));
  assert.is(await runner.handleInput(signal.input, signal.messageId), 'duplicate');
  assert.equal(await types(store, 'fulfilment-o1'), after);
});

test.run();
