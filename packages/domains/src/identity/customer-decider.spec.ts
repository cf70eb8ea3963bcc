import * as E from 'fp-ts/Either';
import { decodeWith } from '@ordo/kernel';
import { deciderSpec } from '@ordo/kernel/testing';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { CustomerCommands } from './commands';
import { customerDecider, customerStreamId, MAX_FAILED_LOGINS } from './customer-decider';
import type { CustomerEvent } from './events';

const spec = deciderSpec(customerDecider);
const at = '2024-05-01T10:00:00.000Z';
const hash = 'scrypt$salt$0123456789abcdef';
const registered: CustomerEvent = {
  type: 'CustomerRegistered',
  customerId: 'c1',
  email: 'ann@example.com',
  passwordHash: hash,
  at,
};
const failedLogin = (failedAttempts: number): CustomerEvent => ({
  type: 'LoginFailed',
  customerId: 'c1',
  failedAttempts,
  at,
});
const locked: CustomerEvent = { type: 'CustomerLocked', customerId: 'c1', at };
const fourFailures = [1, 2, 3, 4].map(failedLogin);
const failLogin = { type: 'RecordFailedLogin', customerId: 'c1', at } as const;

test('registering stores the normalised e-mail and the password hash', () => {
  spec
    .given([])
    .when({ type: 'RegisterCustomer', customerId: 'c1', email: '  Ann@Example.COM ', passwordHash: hash, at })
    .then([registered]);
});

test('verifying the e-mail', () => {
  spec
    .given([registered])
    .when({ type: 'VerifyEmail', customerId: 'c1', at })
    .then([{ type: 'EmailVerified', customerId: 'c1', email: 'ann@example.com', at }]);
});

test('failed logins are counted; the fifth locks the account', () => {
  assert.is(MAX_FAILED_LOGINS, 5);
  spec
    .given([registered])
    .when(failLogin)
    .then([failedLogin(1)]);
  spec
    .given([registered, ...fourFailures])
    .when(failLogin)
    .then([failedLogin(5), locked]);
});

test('a successful login resets the count of failures', () => {
  spec
    .given([registered, ...fourFailures])
    .when({ type: 'RecordSuccessfulLogin', customerId: 'c1', at })
    .thenState((s) => assert.ok(s.status === 'registered' && s.failedLogins === 0 && !s.locked));
});

test('changing the password replaces the hash, and unlocks a locked account', () => {
  const change = { type: 'ChangePassword', customerId: 'c1', passwordHash: 'scrypt$new$fedcba', at } as const;
  spec
    .given([registered])
    .when(change)
    .then([{ type: 'PasswordChanged', customerId: 'c1', passwordHash: 'scrypt$new$fedcba', at }]);
  spec
    .given([registered, ...fourFailures, failedLogin(5), locked])
    .when(change)
    .then([
      { type: 'PasswordChanged', customerId: 'c1', passwordHash: 'scrypt$new$fedcba', at },
      { type: 'CustomerUnlocked', customerId: 'c1', at },
    ]);
});

test('rejects: customer_already_registered', () => {
  spec
    .given([registered])
    .when({ type: 'RegisterCustomer', customerId: 'c1', email: 'bob@example.com', passwordHash: hash, at })
    .thenRejects('customer_already_registered');
});

test('rejects: customer_not_found before registration', () => {
  spec.given([]).when({ type: 'VerifyEmail', customerId: 'c1', at }).thenRejects('customer_not_found');
  spec.given([]).when(failLogin).thenRejects('customer_not_found');
});

test('rejects: email_already_verified', () => {
  spec
    .given([registered, { type: 'EmailVerified', customerId: 'c1', email: 'ann@example.com', at }])
    .when({ type: 'VerifyEmail', customerId: 'c1', at })
    .thenRejects('email_already_verified');
});

test('rejects: customer_locked for logins on a locked account', () => {
  const lockedAccount = [registered, ...fourFailures, failedLogin(5), locked];
  spec.given(lockedAccount).when(failLogin).thenRejects('customer_locked');
  spec
    .given(lockedAccount)
    .when({ type: 'RecordSuccessfulLogin', customerId: 'c1', at })
    .thenRejects('customer_locked');
});

test('rejects: stream_mismatch for a command naming another customer', () => {
  spec
    .given([registered])
    .when({ ...failLogin, customerId: 'c2' })
    .thenRejects('stream_mismatch');
});

test('stream id derives from the customer id', () => {
  assert.is(customerStreamId({ customerId: 'c1' }), 'customer-c1');
});

test('the codec names a malformed e-mail and a missing hash', () => {
  const result = decodeWith(
    CustomerCommands.codec,
    'command',
  )({ type: 'RegisterCustomer', customerId: 'c1', email: 'ann at example', at });
  assert.ok(E.isLeft(result));
  if (E.isLeft(result)) {
    assert.equal(
      result.left.issues.map((i) => `${i.path}:${i.expected}`),
      ['email:Email', 'passwordHash:PasswordHash'],
    );
  }
  const ok = decodeWith(
    CustomerCommands.codec,
    'command',
  )({ type: 'RegisterCustomer', customerId: 'c1', email: 'ann@example.com', passwordHash: hash, at });
  assert.ok(E.isRight(ok));
});

test.run();
