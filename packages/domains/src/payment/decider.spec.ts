import * as E from 'fp-ts/Either';
import { decodeWith } from '@ordo/kernel';
import { deciderSpec } from '@ordo/kernel/testing';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { PaymentCommands } from './commands';
import { paymentDecider, paymentStreamId } from './decider';
import type { PaymentEvent } from './events';

const spec = deciderSpec(paymentDecider);
const at = '2024-05-01T10:00:00.000Z';
const ids = { paymentId: 'pay-o1', orderId: 'o1' } as const;
const authorize = {
  type: 'AuthorizePayment',
  ...ids,
  amount: 2850,
  currency: 'EUR',
  idempotencyKey: 'authorize-o1',
  decision: 'approved',
  at,
} as const;
const authorized: PaymentEvent = {
  type: 'PaymentAuthorized',
  ...ids,
  amount: 2850,
  currency: 'EUR',
  idempotencyKey: 'authorize-o1',
  at,
};
const captured = (amount: number): PaymentEvent => ({ type: 'PaymentCaptured', ...ids, amount, at });
const refunded = (amount: number): PaymentEvent => ({ type: 'PaymentRefunded', ...ids, amount, at });
const declined: PaymentEvent = { type: 'PaymentDeclined', ...ids, reason: 'card_declined', at };
const voided: PaymentEvent = { type: 'PaymentVoided', ...ids, at };
const capture = (amount: number) => ({ type: 'CapturePayment', paymentId: 'pay-o1', amount, at }) as const;
const refund = (amount: number) => ({ type: 'RefundPayment', paymentId: 'pay-o1', amount, at }) as const;
const voidIt = { type: 'VoidPayment', paymentId: 'pay-o1', at } as const;

test('an approved authorization is recorded; a declined one too, with its reason', () => {
  spec.given([]).when(authorize).then([authorized]);
  spec
    .given([])
    .when({ ...authorize, decision: 'declined', declineReason: 'card_declined' })
    .then([declined]);
  spec
    .given([])
    .when({ ...authorize, decision: 'declined' })
    .then([{ type: 'PaymentDeclined', ...ids, reason: 'declined', at }]);
});

test('the same authorization again (same idempotency key) is accepted with no events', () => {
  spec.given([authorized]).when(authorize).then([]);
  spec
    .given([authorized])
    .when({ ...authorize, decision: 'declined' })
    .then([]);
});

test('capture in parts up to the authorized amount; refund in parts up to the captured amount', () => {
  spec
    .given([authorized])
    .when(capture(1000))
    .then([captured(1000)]);
  spec
    .given([authorized, captured(1000)])
    .when(capture(1850))
    .then([captured(1850)]);
  spec
    .given([authorized, captured(2850)])
    .when(refund(850))
    .then([refunded(850)]);
  spec
    .given([authorized, captured(2850), refunded(850)])
    .when(refund(2000))
    .thenState((s) => {
      assert.ok(s.status === 'authorized' && s.refunded === 2850);
      assert.ok(paymentDecider.isTerminal?.(s), 'a fully refunded payment is terminal');
    });
});

test('voiding an uncaptured authorization', () => {
  spec.given([authorized]).when(voidIt).then([voided]);
});

test('rejects: payment_not_found before any authorization', () => {
  spec.given([]).when(capture(1)).thenRejects('payment_not_found');
  spec.given([]).when(voidIt).thenRejects('payment_not_found');
  spec.given([]).when(refund(1)).thenRejects('payment_not_found');
});

test('rejects: payment_already_authorized for another idempotency key', () => {
  spec
    .given([authorized])
    .when({ ...authorize, idempotencyKey: 'other' })
    .thenRejects('payment_already_authorized');
});

test('rejects: idempotency_key_reused for the same key with another amount, currency or order', () => {
  spec
    .given([authorized])
    .when({ ...authorize, amount: 1 })
    .thenRejects('idempotency_key_reused');
  spec
    .given([authorized])
    .when({ ...authorize, currency: 'USD' })
    .thenRejects('idempotency_key_reused');
  spec
    .given([authorized])
    .when({ ...authorize, orderId: 'o2' })
    .thenRejects('idempotency_key_reused');
});

test('rejects: capture_exceeds_authorized', () => {
  spec
    .given([authorized, captured(2000)])
    .when(capture(851))
    .thenRejects({
      code: 'capture_exceeds_authorized',
      details: { paymentId: 'pay-o1', capturable: 850, amount: 851 },
    });
});

test('rejects: capture_after_refund', () => {
  spec
    .given([authorized, captured(1000), refunded(10)])
    .when(capture(1))
    .thenRejects('capture_after_refund');
});

test('rejects: payment_already_captured when voiding a captured payment', () => {
  spec
    .given([authorized, captured(1)])
    .when(voidIt)
    .thenRejects('payment_already_captured');
});

test('rejects: refund_exceeds_captured', () => {
  spec.given([authorized]).when(refund(1)).thenRejects('refund_exceeds_captured');
  spec
    .given([authorized, captured(1000), refunded(600)])
    .when(refund(401))
    .thenRejects('refund_exceeds_captured');
});

test('rejects: payment_declined, payment_voided, payment_refunded on terminal payments', () => {
  spec.given([declined]).when(authorize).thenRejects('payment_declined');
  spec.given([declined]).when(capture(1)).thenRejects('payment_declined');
  spec.given([authorized, voided]).when(voidIt).thenRejects('payment_voided');
  spec.given([authorized, voided]).when(capture(1)).thenRejects('payment_voided');
  spec
    .given([authorized, captured(5), refunded(5)])
    .when(refund(1))
    .thenRejects('payment_refunded');
  spec
    .given([authorized, captured(5), refunded(5)])
    .when(authorize)
    .thenRejects('payment_refunded');
});

test('rejects: invalid_amount for an amount that is not a positive integer (codec bypassed)', () => {
  spec
    .given([])
    .when({ ...authorize, amount: 0 })
    .thenRejects('invalid_amount');
  spec.given([authorized]).when(capture(-1)).thenRejects('invalid_amount');
  spec
    .given([authorized, captured(5)])
    .when(refund(1.5))
    .thenRejects('invalid_amount');
});

test('rejects: currency_mismatch for a capture or refund in another currency', () => {
  spec
    .given([authorized])
    .when({ ...capture(1), currency: 'USD' })
    .thenRejects('currency_mismatch');
  spec
    .given([authorized, captured(5)])
    .when({ ...refund(1), currency: 'USD' })
    .thenRejects('currency_mismatch');
  spec
    .given([authorized])
    .when({ ...capture(1), currency: 'EUR' })
    .then([captured(1)]);
});

test('rejects: stream_mismatch for a command naming another payment', () => {
  spec
    .given([authorized])
    .when({ ...capture(1), paymentId: 'pay-o2' })
    .thenRejects('stream_mismatch');
});

test('stream id derives from the payment id', () => {
  assert.is(paymentStreamId({ paymentId: 'pay-o1' }), 'payment-pay-o1');
});

const paths = (input: unknown): string[] => {
  const result = decodeWith(PaymentCommands.codec, 'command')(input);
  return E.isLeft(result) ? result.left.issues.map((i) => `${i.path}:${i.expected}`) : [];
};

test('the codec names bad amounts, currencies, decisions and keys', () => {
  assert.equal(paths(authorize), []);
  assert.equal(paths({ ...authorize, amount: '10', currency: 'Euro', decision: 'maybe', idempotencyKey: '' }), [
    'amount:PositiveInt',
    'currency:Currency',
    'idempotencyKey:NonEmptyString',
    'decision:AuthorizationDecision',
  ]);
  assert.equal(paths({ ...authorize, declineReason: 42 }), ['declineReason:NonEmptyString']);
  assert.equal(paths({ ...refund(0) }), ['amount:PositiveInt']);
});

test.run();
