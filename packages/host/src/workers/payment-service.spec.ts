import { createInMemoryEventStore, createInMemoryInbox, createManualClock } from '@ordo/adapter-memory';
import type { AuthorizationAnswer, PaymentServiceCommand } from '@ordo/domains';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { createCommandDispatcher, type CommandDispatcher } from './command-dispatcher';
import { commerceCommandRoutes } from './domain-routes';
import { createPaymentService } from './payment-service';

const at = '2024-05-01T10:00:00.000Z';
const request: PaymentServiceCommand = {
  type: 'RequestPaymentAuthorization',
  paymentId: 'pay-o1',
  orderId: 'o1',
  amount: 600,
  currency: 'EUR',
  idempotencyKey: 'authorize-o1',
  at,
};

/** A gateway whose answers the test releases by hand. */
const manualGateway = () => {
  const waiting: Array<(a: AuthorizationAnswer) => void> = [];
  return {
    gateway: { authorize: () => new Promise<AuthorizationAnswer>((resolve) => waiting.push(resolve)) },
    answer: (a: AuthorizationAnswer) => waiting.shift()?.(a),
  };
};

const setup = () => {
  const store = createInMemoryEventStore();
  const { gateway, answer } = manualGateway();
  const service = createPaymentService({ gateway, clock: createManualClock(at), dispatcher: () => dispatcher });
  const dispatcher: CommandDispatcher = createCommandDispatcher({
    routes: { ...commerceCommandRoutes(store), RequestPaymentAuthorization: service.route },
    inbox: createInMemoryInbox(),
  });
  const ask = () => dispatcher.dispatch({ command: request, commandId: 'o1:authorize', occurredAt: at });
  const payment = async () => (await store.readStream('payment-pay-o1')).map((e) => e.event.type);
  return { service, answer, ask, payment };
};

test('the request returns at once; the answer is recorded when the gateway gives it', async () => {
  const { service, answer, ask, payment } = setup();
  assert.is((await ask()).kind, 'forwarded');
  assert.is(service.inFlight(), 1);
  assert.equal(await payment(), []);
  answer({ outcome: 'approved' });
  await service.idle();
  assert.equal(await payment(), ['PaymentAuthorized']);
});

test('a decline is recorded; no answer records nothing', async () => {
  const declined = setup();
  await declined.ask();
  declined.answer({ outcome: 'declined', reason: 'card_declined' });
  await declined.service.idle();
  assert.equal(await declined.payment(), ['PaymentDeclined']);
  const silent = setup();
  await silent.ask();
  silent.answer({ outcome: 'no_answer' });
  await silent.service.idle();
  assert.equal(await silent.payment(), []);
});

test('a crash drops the answers of calls in flight', async () => {
  const { service, answer, ask, payment } = setup();
  await ask();
  service.reset();
  answer({ outcome: 'approved' });
  await service.idle();
  assert.equal(await payment(), []);
});

test.run();
