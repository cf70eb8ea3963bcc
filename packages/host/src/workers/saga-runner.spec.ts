import {
  createInMemoryCheckpointStore,
  createInMemoryEventStore,
  createInMemoryInbox,
  createInMemoryScheduler,
  createManualClock,
} from '@ordo/adapter-memory';
import {
  type FulfilmentInput,
  FulfilmentInputCodec,
  fulfilmentCommandRejected,
  fulfilmentSaga,
  type InventoryCommand,
  type OrderCommand,
} from '@ordo/domains';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { createCommandDispatcher } from './command-dispatcher';
import { commerceCommandRoutes } from './domain-routes';
import { createSagaRunner, type SagaSignal } from './saga-runner';

const at = '2024-05-01T10:00:00.000Z';

const setup = async (stock: number) => {
  const clock = createManualClock(at);
  const store = createInMemoryEventStore();
  const dispatcher = createCommandDispatcher({ routes: commerceCommandRoutes(store), inbox: createInMemoryInbox() });
  const scheduler = createInMemoryScheduler<SagaSignal<FulfilmentInput>>({ clock });
  const runner = createSagaRunner({
    saga: fulfilmentSaga,
    store,
    dispatcher,
    scheduler,
    checkpoints: createInMemoryCheckpointStore(),
    clock,
    inputCodec: FulfilmentInputCodec,
    rejectionInput: (orderId, commandId, failure, when) =>
      failure._tag === 'DomainError' ? fulfilmentCommandRejected(orderId, commandId, failure, when) : undefined,
  });
  for (const sku of ['apple', 'pear']) {
    const receive: InventoryCommand = { type: 'ReceiveStock', sku, quantity: stock, at };
    await dispatcher.dispatch({
      command: receive,
      commandId: `stock:${sku}`,
      occurredAt: at,
    });
  }
  const place: OrderCommand = {
    type: 'PlaceOrder',
    orderId: 'o1',
    customerId: 'c1',
    lines: [
      { sku: 'apple', quantity: 2, unitPrice: 100 },
      { sku: 'pear', quantity: 1, unitPrice: 300 },
    ],
    currency: 'EUR',
    shippingAddress: { name: 'Ada', line1: '1 Main St', city: 'Paris', postalCode: '75001', country: 'FR' },
    at,
  };
  await dispatcher.dispatch({ command: place, commandId: 'place:o1', occurredAt: at });
  const [placed] = await store.readStream('order-o1');
  return { clock, store, scheduler, runner, placed: placed! };
};

const types = async (
  store: { readStream: (id: string) => Promise<ReadonlyArray<{ event: { type: string } }>> },
  id: string,
) => (await store.readStream(id)).map((e) => e.event.type);

test('an input is handled once by message id', async () => {
  const { store, runner, placed } = await setup(5);
  assert.is(await runner.handleInput(placed.event, placed.metadata.eventId), 'handled');
  assert.is(await runner.handleInput(placed.event, placed.metadata.eventId), 'duplicate');
  assert.is(await runner.handleInput({ type: 'OrderPlaced', orderId: 42 }, 'garbage'), 'ignored');
  assert.equal(await types(store, 'fulfilment-o1'), ['FulfilmentStarted']);
});

test('actions are dispatched from a checkpoint: a crash between two commands re-sends both, each lands once', async () => {
  const { store, runner, placed, scheduler } = await setup(5);
  await runner.handleInput(placed.event, placed.metadata.eventId);
  await runner.dispatchStep(); // reads the log
  await runner.dispatchStep(); // sends ReserveStock apple
  runner.reset(); // crash before pear and before the checkpoint
  await runner.dispatchAll();
  assert.equal(await types(store, 'inventory-apple'), ['StockReceived', 'StockReserved']);
  assert.equal(await types(store, 'inventory-pear'), ['StockReceived', 'StockReserved']);
  assert.equal(
    scheduler.pending().map((p) => p.id),
    ['o1:timeout:reserve'],
  );
});

test('a rejected command comes back to the saga, which compensates', async () => {
  const { store, runner, placed } = await setup(1); // 2 apples wanted, 1 in stock
  await runner.handleInput(placed.event, placed.metadata.eventId);
  await runner.dispatchAll();
  const saga = await types(store, 'fulfilment-o1');
  assert.equal(saga, ['FulfilmentStarted', 'ReservationRefused', 'CompensationStarted']);
  // pear was reserved: its answer reaches the saga, which releases it and cancels the order.
  const pear = (await store.readStream('inventory-pear')).find((e) => e.event.type === 'StockReserved')!;
  assert.is(await runner.handleInput(pear.event, pear.metadata.eventId), 'handled');
  await runner.dispatchAll();
  assert.equal((await types(store, 'inventory-pear')).slice(-1), ['ReservationReleased']);
  assert.equal((await types(store, 'order-o1')).slice(-1), ['OrderCancelled']);
});

test('due timeouts fire and are delivered to the saga', async () => {
  const { store, runner, placed, clock } = await setup(5);
  await runner.handleInput(placed.event, placed.metadata.eventId);
  await runner.dispatchAll(); // reserves, schedules the reservation timeout
  // The inventory's answers never reach the saga here: the timeout fires 30 s later.
  clock.advance(29_000);
  assert.is(await runner.fireDueTimeouts(), 0);
  clock.advance(2_000);
  assert.is(await runner.fireDueTimeouts(), 1);
  assert.equal((await types(store, 'fulfilment-o1')).slice(-1), ['CompensationStarted']);
});

test.run();
