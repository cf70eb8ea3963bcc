import { createInMemoryEventStore, createInMemoryInbox } from '@ordo/adapter-memory';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { createCommandDispatcher, type CommandEnvelope, type DispatchOutcome } from './command-dispatcher';
import { commerceCommandRoutes } from './domain-routes';

const at = '2024-05-01T10:00:00.000Z';
const setup = () => {
  const store = createInMemoryEventStore();
  const forwarded: CommandEnvelope[] = [];
  const dispatcher = createCommandDispatcher({
    routes: {
      ...commerceCommandRoutes(store, { cacheSize: 10 }),
      RequestPaymentAuthorization: { kind: 'service', run: async (e) => void forwarded.push(e) },
    },
    inbox: createInMemoryInbox(),
  });
  const send = (
    command: { type: string } & Record<string, unknown>,
    commandId: string,
    onRejected?: () => Promise<void>,
  ) => dispatcher.dispatch({ command, commandId, occurredAt: at }, onRejected === undefined ? {} : { onRejected });
  return { store, dispatcher, send, forwarded };
};

const kind = (o: DispatchOutcome) => o.kind;

test('routes a command to its domain and appends its events', async () => {
  const { store, send } = setup();
  const outcome = await send({ type: 'ReceiveStock', sku: 'apple', quantity: 5, at }, 'c1');
  assert.is(kind(outcome), 'accepted');
  const events = await store.readStream('inventory-apple');
  assert.equal(
    events.map((e) => e.event.type),
    ['StockReceived'],
  );
});

test('handles each command id once', async () => {
  const { store, send } = setup();
  await send({ type: 'ReceiveStock', sku: 'apple', quantity: 5, at }, 'c1');
  assert.is(kind(await send({ type: 'ReceiveStock', sku: 'apple', quantity: 5, at }, 'c1')), 'duplicate');
  assert.is((await store.readStream('inventory-apple')).length, 1);
});

test('a rejection is reported once, and a redelivered rejected command cannot succeed late', async () => {
  const { store, send } = setup();
  let reported = 0;
  const report = async () => void (reported += 1);
  const reserve = { type: 'ReserveStock', sku: 'apple', orderId: 'o1', quantity: 2, at };
  const first = await send(reserve, 'o1:reserve:apple', report);
  assert.ok(
    first.kind === 'rejected' && first.failure._tag === 'DomainError' && first.failure.code === 'insufficient_stock',
  );
  await send({ type: 'ReceiveStock', sku: 'apple', quantity: 5, at }, 'restock');
  assert.is(kind(await send(reserve, 'o1:reserve:apple', report)), 'duplicate');
  assert.is(reported, 1);
  assert.equal(
    (await store.readStream('inventory-apple')).map((e) => e.event.type),
    ['StockReceived'],
  );
});

test('a malformed command is rejected with a ValidationError naming the field, and nothing is written', async () => {
  const { store, send } = setup();
  const outcome = await send({ type: 'ReceiveStock', sku: 'apple', quantity: -1, at }, 'bad');
  assert.ok(outcome.kind === 'rejected' && outcome.failure._tag === 'ValidationError');
  assert.ok(
    outcome.kind === 'rejected' &&
      outcome.failure._tag === 'ValidationError' &&
      outcome.failure.issues[0]?.path === 'quantity',
  );
  assert.equal(await store.readAll(), []);
});

test('an unknown command type is rejected with unknown_command; a service route is forwarded', async () => {
  const { send, forwarded } = setup();
  const unknown = await send({ type: 'LaunchRocket' }, 'x');
  assert.ok(
    unknown.kind === 'rejected' && unknown.failure._tag === 'DomainError' && unknown.failure.code === 'unknown_command',
  );
  assert.is(kind(await send({ type: 'RequestPaymentAuthorization', paymentId: 'p' }, 'y')), 'forwarded');
  assert.is(forwarded.length, 1);
});

test.run();
