import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { deciderSpec, SpecFailure } from './decider-spec';
import { account } from './fixtures/bank-account';

const spec = deciderSpec(account);

/** Runs a step that must fail and answers its SpecFailure message. */
const failureOf = (step: () => void): string => {
  try {
    step();
  } catch (error) {
    assert.instance(error, SpecFailure);
    assert.is((error as SpecFailure).name, 'SpecFailure');
    return (error as SpecFailure).message;
  }
  assert.unreachable('the spec step should have failed');
  return '';
};

test('then: passes when the command yields exactly the expected events', () => {
  spec
    .given([{ type: 'Opened' }])
    .when({ type: 'Deposit', amount: 5n })
    .then([{ type: 'Deposited', amount: 5n }]);
  // Two events from one command, in order.
  spec
    .given([{ type: 'Opened' }, { type: 'Deposited', amount: 7n }])
    .when({ type: 'Close' })
    .then([{ type: 'Withdrawn', amount: 7n }, { type: 'Closed' }]);
});

test('then: a different event shows expected, actual and the first difference', () => {
  const message = failureOf(() =>
    spec
      .given([{ type: 'Opened' }])
      .when({ type: 'Deposit', amount: 5n })
      .then([{ type: 'Deposited', amount: 6n }]),
  );
  assert.ok(message.includes('given [{"type":"Opened"}]'), message);
  assert.ok(message.includes('when {"type":"Deposit","amount":5n}'), message);
  assert.ok(message.includes('expected events: [{"type":"Deposited","amount":6n}]'), message);
  assert.ok(message.includes('actual events:   [{"type":"Deposited","amount":5n}]'), message);
  assert.ok(message.includes('first difference at index 0'), message);
});

test('then: missing, extra and reordered events fail', () => {
  const missing = failureOf(() =>
    spec
      .given([{ type: 'Opened' }, { type: 'Deposited', amount: 7n }])
      .when({ type: 'Close' })
      .then([{ type: 'Withdrawn', amount: 7n }]),
  );
  assert.ok(missing.includes('first difference at index 1: expected (no event), got {"type":"Closed"}'), missing);
  const reordered = failureOf(() =>
    spec
      .given([{ type: 'Opened' }, { type: 'Deposited', amount: 7n }])
      .when({ type: 'Close' })
      .then([{ type: 'Closed' }, { type: 'Withdrawn', amount: 7n }]),
  );
  assert.ok(reordered.includes('first difference at index 0'), reordered);
});

test('then: a rejection where events were expected shows the rejection', () => {
  const message = failureOf(() =>
    spec
      .given([])
      .when({ type: 'Deposit', amount: 5n })
      .then([{ type: 'Deposited', amount: 5n }]),
  );
  assert.ok(message.includes('expected events: [{"type":"Deposited","amount":5n}]'), message);
  assert.ok(message.includes('actual: rejected with {"_tag":"DomainError","code":"not_open"'), message);
});

test('thenRejects: with no argument, with a code, with a partial error', () => {
  spec.given([]).when({ type: 'Deposit', amount: 5n }).thenRejects();
  spec.given([]).when({ type: 'Deposit', amount: 5n }).thenRejects('not_open');
  spec
    .given([{ type: 'Opened' }, { type: 'Deposited', amount: 2n }])
    .when({ type: 'Withdraw', amount: 3n })
    .thenRejects({ code: 'insufficient_funds', details: { balance: 2n } });
});

test('thenRejects: an accepted command, a wrong code and a wrong detail fail with expected vs actual', () => {
  const accepted = failureOf(() =>
    spec
      .given([{ type: 'Opened' }])
      .when({ type: 'Deposit', amount: 5n })
      .thenRejects('not_open'),
  );
  assert.ok(accepted.includes('expected: a rejection matching {"code":"not_open"}'), accepted);
  assert.ok(accepted.includes('actual: accepted with events [{"type":"Deposited","amount":5n}]'), accepted);

  const wrongCode = failureOf(() => spec.given([]).when({ type: 'Deposit', amount: 5n }).thenRejects('closed'));
  assert.ok(wrongCode.includes('expected: a rejection matching {"code":"closed"}'), wrongCode);
  assert.ok(wrongCode.includes('"code":"not_open"'), wrongCode);
  assert.ok(wrongCode.includes('differs in: code'), wrongCode);

  const wrongDetail = failureOf(() =>
    spec
      .given([{ type: 'Opened' }, { type: 'Deposited', amount: 2n }])
      .when({ type: 'Withdraw', amount: 3n })
      .thenRejects({ code: 'insufficient_funds', details: { balance: 1n } }),
  );
  assert.ok(wrongDetail.includes('differs in: details'), wrongDetail);
  assert.ok(wrongDetail.includes('"details":{"balance":2n}'), wrongDetail);
});

test('thenState: sees the state after the given events and the command events', () => {
  let seen: unknown;
  spec
    .given([{ type: 'Opened' }, { type: 'Deposited', amount: 2n }])
    .when({ type: 'Deposit', amount: 3n })
    .thenState((s) => {
      seen = s;
    });
  assert.equal(seen, { status: 'open', balance: 5n });
  // The user's own assertion error comes through unchanged.
  const own = new Error('the check failed');
  let thrown: unknown;
  try {
    spec
      .given([{ type: 'Opened' }])
      .when({ type: 'Close' })
      .thenState(() => {
        throw own;
      });
  } catch (error) {
    thrown = error;
  }
  assert.is(thrown, own);
});

test('thenState: a rejected command fails with the rejection', () => {
  const message = failureOf(() =>
    spec
      .given([])
      .when({ type: 'Close' })
      .thenState(() => undefined),
  );
  assert.ok(message.includes('expected the command to be accepted'), message);
  assert.ok(message.includes('"code":"not_open"'), message);
});

test.run();
