import * as fc from 'fast-check';
import * as E from 'fp-ts/Either';
import { fold } from '@ordo/kernel';
import { type DeciderLawOptions, deciderLawResults } from '@ordo/kernel/testing';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import type { PaymentCommand } from './commands';
import { paymentRejectionCodes, paymentDecider, type PaymentState } from './decider';

// Longer command sequences than fast-check's small default, so payments get through their whole life.
fc.configureGlobal({ baseSize: 'medium' });

const at = fc.constant('2024-05-01T10:00:00.000Z');
const paymentId = fc.oneof(
  { arbitrary: fc.constant('pay-o1'), weight: 20 },
  { arbitrary: fc.constant('pay-o2'), weight: 1 },
);
// Amounts from a small pool so captures and refunds add up to the authorization now and then.
const amount = fc.oneof(
  { arbitrary: fc.constantFrom(100, 200, 300), weight: 10 },
  { arbitrary: fc.constantFrom(0, -100), weight: 1 },
);
const currency = fc.oneof({ arbitrary: fc.constant('EUR'), weight: 5 }, { arbitrary: fc.constant('USD'), weight: 1 });

const paymentCommands: fc.Arbitrary<PaymentCommand> = fc.oneof(
  {
    arbitrary: fc.record({
      type: fc.constant('AuthorizePayment' as const),
      paymentId,
      orderId: fc.constant('o1'),
      amount: fc.constantFrom(300, 600),
      currency,
      idempotencyKey: fc.constantFrom('k1', 'k2'),
      decision: fc.oneof(
        { arbitrary: fc.constant('approved' as const), weight: 4 },
        { arbitrary: fc.constant('declined' as const), weight: 1 },
      ),
      at,
    }),
    weight: 2,
  },
  { arbitrary: fc.record({ type: fc.constant('CapturePayment' as const), paymentId, amount, at }), weight: 3 },
  fc.record({ type: fc.constant('CapturePayment' as const), paymentId, amount, currency, at }),
  fc.record({ type: fc.constant('VoidPayment' as const), paymentId, at }),
  { arbitrary: fc.record({ type: fc.constant('RefundPayment' as const), paymentId, amount, at }), weight: 3 },
);

const options: DeciderLawOptions<PaymentCommand, PaymentState> = {
  commands: paymentCommands,
  numRuns: 500,
  maxCommands: 30,
  invariants: [
    {
      description: 'refunded <= captured <= authorized, none negative',
      holds: (s) =>
        s.status === 'none' ||
        s.status === 'declined' ||
        (0 <= s.refunded && s.refunded <= s.captured && s.captured <= s.authorized),
    },
    {
      description: 'a voided payment was never captured',
      holds: (s) => s.status !== 'voided' || s.captured === 0,
    },
  ],
};

for (const result of deciderLawResults(paymentDecider, options)) {
  if (result.skipped !== undefined) continue;
  test(`payment decider law: ${result.law} (${result.note ?? 'checked'})`, () => {
    assert.ok(result.ok, result.counterexample);
    const covered = /in (\d+) of/.exec(result.note ?? '');
    if (covered) assert.ok(Number(covered[1]) > 0, `the law never met its subject: ${result.note}`);
  });
}

test('the laws catch a payment that refunds more than was captured', () => {
  const broken = {
    ...paymentDecider,
    decide: (command: PaymentCommand, state: PaymentState) =>
      command.type === 'RefundPayment' && state.status === 'authorized'
        ? paymentDecider.decide(command, { ...state, captured: state.authorized })
        : paymentDecider.decide(command, state),
  };
  const failed = deciderLawResults(broken, options).find((r) => !r.ok);
  assert.match(failed?.counterexample ?? '', /refunded <= captured <= authorized/);
});

test('every rejection of paymentDecider carries a documented code', () => {
  fc.assert(
    fc.property(fc.array(paymentCommands, { maxLength: 30 }), (commands) => {
      let state = paymentDecider.initialState;
      for (const command of commands) {
        const outcome = paymentDecider.decide(command, state);
        if (E.isLeft(outcome))
          assert.ok((paymentRejectionCodes as ReadonlyArray<string>).includes(outcome.left.code), outcome.left.code);
        else state = fold(paymentDecider, outcome.right, state);
      }
    }),
    { numRuns: 300 },
  );
});

test.run();
