import * as fc from 'fast-check';
import * as E from 'fp-ts/Either';
import { fold } from '@ordo/kernel';
import { type DeciderLawOptions, deciderLawResults } from '@ordo/kernel/testing';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import type { CustomerCommand, EmailReservationCommand } from './commands';
import {
  customerRejectionCodes,
  customerDecider,
  type CustomerState,
  customerStreamId,
  MAX_FAILED_LOGINS,
} from './customer-decider';
import { normaliseEmail } from './email';
import type { CustomerEvent } from './events';
import {
  emailReservationDecider,
  emailReservationRejectionCodes,
  type EmailReservationState,
  emailReservationStreamId,
} from './email-reservation-decider';

// Longer command sequences than fast-check's small default, so accounts get locked and unlocked.
fc.configureGlobal({ baseSize: 'medium' });

const at = fc.constant('2024-05-01T10:00:00.000Z');
const customerId = fc.oneof({ arbitrary: fc.constant('c1'), weight: 20 }, { arbitrary: fc.constant('c2'), weight: 1 });
const passwordHash = fc.constantFrom('scrypt$a$0123456789', 'scrypt$b$9876543210');

const customerCommands: fc.Arbitrary<CustomerCommand> = fc.oneof(
  fc.record({
    type: fc.constant('RegisterCustomer' as const),
    customerId,
    email: fc.constantFrom('Ann@example.com', 'bob@example.com'),
    passwordHash,
    at,
  }),
  fc.record({ type: fc.constant('VerifyEmail' as const), customerId, at }),
  fc.record({ type: fc.constant('ChangePassword' as const), customerId, passwordHash, at }),
  { arbitrary: fc.record({ type: fc.constant('RecordFailedLogin' as const), customerId, at }), weight: 6 },
  fc.record({ type: fc.constant('RecordSuccessfulLogin' as const), customerId, at }),
);

const customerOptions: DeciderLawOptions<CustomerCommand, CustomerState> = {
  commands: customerCommands,
  numRuns: 500,
  maxCommands: 30,
  invariants: [
    {
      description: 'failed logins never exceed 5',
      holds: (s) => s.status === 'none' || (s.failedLogins >= 0 && s.failedLogins <= MAX_FAILED_LOGINS),
    },
    {
      description: 'an account is locked exactly when 5 consecutive logins failed',
      holds: (s) => s.status === 'none' || s.locked === (s.failedLogins === MAX_FAILED_LOGINS),
    },
    {
      description: 'the stored e-mail is normalised',
      holds: (s) => s.status === 'none' || s.email === normaliseEmail(s.email),
    },
  ],
};

for (const result of deciderLawResults(customerDecider, customerOptions)) {
  if (result.skipped !== undefined) continue;
  test(`customer decider law: ${result.law} (${result.note ?? 'checked'})`, () => {
    assert.ok(result.ok, result.counterexample);
    const covered = /in (\d+) of/.exec(result.note ?? '');
    if (covered) assert.ok(Number(covered[1]) > 0, `the law never met its subject: ${result.note}`);
  });
}

test('the laws catch an account that is not locked by its fifth failed login', () => {
  const broken = {
    ...customerDecider,
    decide: (command: CustomerCommand, state: CustomerState) =>
      E.map((events: ReadonlyArray<CustomerEvent>) => events.filter((e) => e.type !== 'CustomerLocked'))(
        customerDecider.decide(command, state),
      ),
  };
  const failed = deciderLawResults(broken, customerOptions).find((r) => !r.ok);
  assert.match(failed?.counterexample ?? '', /locked exactly when 5 consecutive logins failed/);
});

const email = fc.constantFrom('ann@example.com', 'ANN@example.com ', 'bob@example.com');
const emailCommands: fc.Arbitrary<EmailReservationCommand> = fc.oneof(
  {
    arbitrary: fc.record({
      type: fc.constant('ReserveEmail' as const),
      email,
      customerId: fc.constantFrom('c1', 'c2', 'c3'),
      at,
    }),
    weight: 3,
  },
  fc.record({ type: fc.constant('ReleaseEmail' as const), email, customerId: fc.constantFrom('c1', 'c2', 'c3'), at }),
);

const emailOptions: DeciderLawOptions<EmailReservationCommand, EmailReservationState> = {
  commands: emailCommands,
  numRuns: 500,
  invariants: [
    {
      description: 'a held address names its normalised address',
      holds: (s) => s.owner === undefined || (s.email !== undefined && s.email === normaliseEmail(s.email)),
    },
  ],
};

for (const result of deciderLawResults(emailReservationDecider, emailOptions)) {
  if (result.skipped !== undefined) continue;
  test(`e-mail reservation decider law: ${result.law} (${result.note ?? 'checked'})`, () => {
    assert.ok(result.ok, result.counterexample);
    const covered = /in (\d+) of/.exec(result.note ?? '');
    if (covered) assert.ok(Number(covered[1]) > 0, `the law never met its subject: ${result.note}`);
  });
}

/**
 * The registration flow a host runs over two streams: reserve the address, register the customer,
 * and release the address when the registration is rejected.
 */
const register = (
  customers: Map<string, CustomerState>,
  emails: Map<string, EmailReservationState>,
  request: { customerId: string; email: string },
) => {
  const reserve = { type: 'ReserveEmail', ...request, at: '2024-05-01T10:00:00.000Z' } as const;
  const emailStream = emailReservationStreamId(reserve);
  const reservation = emails.get(emailStream) ?? emailReservationDecider.initialState;
  const reserved = emailReservationDecider.decide(reserve, reservation);
  if (E.isLeft(reserved)) return;
  const held = reserved.right.reduce(emailReservationDecider.evolve, reservation);
  emails.set(emailStream, held);
  const customerStream = customerStreamId(request);
  const customer = customers.get(customerStream) ?? customerDecider.initialState;
  const registration = customerDecider.decide(
    { type: 'RegisterCustomer', ...request, passwordHash: 'scrypt$x$0123456789', at: reserve.at },
    customer,
  );
  if (E.isRight(registration)) {
    customers.set(customerStream, registration.right.reduce(customerDecider.evolve, customer));
    return;
  }
  if (reserved.right.length === 0) return; // the address was already this customer's: nothing to give back
  const release = emailReservationDecider.decide({ ...reserve, type: 'ReleaseEmail' }, held);
  if (E.isRight(release)) emails.set(emailStream, release.right.reduce(emailReservationDecider.evolve, held));
};

test('property: an e-mail address belongs to at most one customer, whatever its case', () => {
  fc.assert(
    fc.property(
      fc.array(
        fc.record({
          customerId: fc.constantFrom('c1', 'c2', 'c3', 'c4'),
          email: fc.constantFrom('ann@example.com', 'Ann@Example.com', 'bob@example.com', ' BOB@example.com'),
        }),
        { maxLength: 20 },
      ),
      (requests) => {
        const customers = new Map<string, CustomerState>();
        const emails = new Map<string, EmailReservationState>();
        for (const request of requests) register(customers, emails, request);
        const registered = [...customers.values()].flatMap((c) => (c.status === 'registered' ? [c] : []));
        const addresses = registered.map((c) => c.email);
        assert.is(new Set(addresses).size, addresses.length, `two customers share an address: ${addresses.join(', ')}`);
        for (const customer of registered) {
          assert.is(emails.get(emailReservationStreamId(customer))?.owner, customer.customerId);
        }
      },
    ),
    { numRuns: 300 },
  );
});

test('every rejection of customerDecider carries a documented code', () => {
  fc.assert(
    fc.property(fc.array(customerCommands, { maxLength: 30 }), (commands) => {
      let state = customerDecider.initialState;
      for (const command of commands) {
        const outcome = customerDecider.decide(command, state);
        if (E.isLeft(outcome))
          assert.ok((customerRejectionCodes as ReadonlyArray<string>).includes(outcome.left.code), outcome.left.code);
        else state = fold(customerDecider, outcome.right, state);
      }
    }),
    { numRuns: 300 },
  );
});

test('every rejection of emailReservationDecider carries a documented code', () => {
  fc.assert(
    fc.property(fc.array(emailCommands, { maxLength: 30 }), (commands) => {
      let state = emailReservationDecider.initialState;
      for (const command of commands) {
        const outcome = emailReservationDecider.decide(command, state);
        if (E.isLeft(outcome))
          assert.ok(
            (emailReservationRejectionCodes as ReadonlyArray<string>).includes(outcome.left.code),
            outcome.left.code,
          );
        else state = fold(emailReservationDecider, outcome.right, state);
      }
    }),
    { numRuns: 300 },
  );
});

test.run();
