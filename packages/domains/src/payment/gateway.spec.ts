import * as fc from 'fast-check';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { authorizationCommand, createTestPaymentGateway, testGatewayAnswer, type TestGatewayRules } from './gateway';

const request = { paymentId: 'pay-o1', amount: 2850, currency: 'EUR', idempotencyKey: 'authorize-o1' };

test('without rules the test gateway approves', async () => {
  assert.equal(await createTestPaymentGateway().authorize(request), { outcome: 'approved' });
});

test('rules decline by key, currency and amount, and leave keys unanswered', async () => {
  const gateway = createTestPaymentGateway({
    noAnswerKeys: ['authorize-slow', /^timeout-/g],
    declineKeys: [/stolen/],
    declineCurrencies: ['JPY'],
    declineAbove: 10_000,
  });
  assert.equal(await gateway.authorize({ ...request, idempotencyKey: 'authorize-slow' }), { outcome: 'no_answer' });
  assert.equal(await gateway.authorize({ ...request, idempotencyKey: 'timeout-1' }), { outcome: 'no_answer' });
  // A /g pattern keeps no state between calls.
  assert.equal(await gateway.authorize({ ...request, idempotencyKey: 'timeout-1' }), { outcome: 'no_answer' });
  assert.equal(await gateway.authorize({ ...request, idempotencyKey: 'card-stolen-9' }), {
    outcome: 'declined',
    reason: 'card_declined',
  });
  assert.equal(await gateway.authorize({ ...request, currency: 'JPY' }), {
    outcome: 'declined',
    reason: 'currency_not_supported',
  });
  assert.equal(await gateway.authorize({ ...request, amount: 10_001 }), {
    outcome: 'declined',
    reason: 'amount_over_limit',
  });
  assert.equal(await gateway.authorize({ ...request, amount: 10_000 }), { outcome: 'approved' });
});

test('property: the test gateway is a pure function of rules and request', () => {
  const rules: TestGatewayRules = { noAnswerKeys: [/^n/g], declineKeys: ['d1', /x$/y], declineAbove: 500 };
  fc.assert(
    fc.property(fc.string({ maxLength: 4 }), fc.integer({ min: 1, max: 1000 }), (key, amount) => {
      const r = { ...request, idempotencyKey: key, amount };
      assert.equal(testGatewayAnswer(rules, r), testGatewayAnswer(rules, r));
    }),
  );
});

test('a gateway answer becomes the AuthorizePayment command the decider records', () => {
  const input = { ...request, orderId: 'o1', at: '2024-05-01T10:00:00.000Z' };
  assert.equal(authorizationCommand(input, { outcome: 'approved' }), {
    type: 'AuthorizePayment',
    ...input,
    decision: 'approved',
  });
  assert.equal(authorizationCommand(input, { outcome: 'declined', reason: 'card_declined' }), {
    type: 'AuthorizePayment',
    ...input,
    decision: 'declined',
    declineReason: 'card_declined',
  });
  assert.is(authorizationCommand(input, { outcome: 'no_answer' }), undefined);
});

test.run();
