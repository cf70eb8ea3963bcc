import { randomUUID } from 'node:crypto';
import * as E from 'fp-ts/Either';
import {
  type CustomerState,
  customerDecider,
  customerStreamId,
  emailReservationDecider,
  emailReservationStreamId,
  normaliseEmail,
  type PasswordHasher,
} from '@ordo/domains';
import type { BootstrapAdmin } from '../http-options';
import { secretsEqual, type TokenService, unauthorized } from '../auth';
import { Bodies, PathId, Views } from '../codecs';
import { derivedId } from '../idempotency';
import { commandProblem, HttpProblem, notFound } from '../problem';
import { type AnyRoute, callerOf, defineRoute, execute, type RouteContext } from '../route-kit';

/** What the identity routes need besides the host. */
export interface IdentityDeps {
  readonly tokens: TokenService;
  readonly hasher: PasswordHasher;
  readonly bootstrapAdmin: BootstrapAdmin | undefined;
  /** A hash of a random password: verified against when no account matches, so both paths cost one scrypt. */
  readonly decoyHash: string;
}

const customerView = (state: CustomerState) =>
  state.status === 'none'
    ? undefined
    : { customerId: state.customerId, email: state.email, emailVerified: state.emailVerified };

const customerAnswer = (state: CustomerState, version: bigint | undefined) => {
  const body = customerView(state);
  if (body === undefined) throw notFound('customer');
  return { status: 200, body, ...(version === undefined ? {} : { etag: version }) };
};

const invalidCredentials = () => unauthorized('the e-mail address or the password is wrong', 'invalid_credentials');

/** Records a login outcome; its failure to record does not change the answer. */
const recordLogin = async (context: RouteContext<unknown>, customerId: string, succeeded: boolean) => {
  await context.host.execute(
    { type: succeeded ? 'RecordSuccessfulLogin' : 'RecordFailedLogin', customerId, at: context.now },
    { commandId: `login:${randomUUID()}`, occurredAt: context.now },
  );
};

/** Hashes `password` and sets it with `ChangePassword` (which unlocks a locked account). */
const setPassword = async (
  context: RouteContext<unknown>,
  customerId: string,
  password: string,
  streamId: string,
  hasher: PasswordHasher,
) => {
  const done = await execute<CustomerState>(context, {
    type: 'ChangePassword',
    customerId,
    passwordHash: await hasher.hash(password),
    at: context.now,
  });
  return customerAnswer(done.state, done.version);
};

/**
 * Customers: register (scrypt through the host's PasswordHasher), log in for a token, read
 * oneself, change one's password; admins reset a password (which unlocks the account) and mark
 * an address verified.
 */
export const customerRoutes = (deps: IdentityDeps): ReadonlyArray<AnyRoute> => [
  defineRoute({
    method: 'POST',
    path: '/customers',
    operationId: 'registerCustomer',
    summary: 'Register a customer; the e-mail address is unique whatever its case',
    tag: 'customers',
    access: 'public',
    body: Bodies.Register,
    idempotent: true,
    responses: { 201: { description: 'the new customer', view: Views.Customer, etag: true, location: true } },
    errors: [409, 422],
    handle: async (context) => {
      const { email, password } = context.body;
      const customerId =
        context.body.customerId ??
        (context.idempotencyScope === undefined ? `c-${randomUUID()}` : derivedId('c-', context.idempotencyScope));
      const result = await context.host.registerCustomer(
        { customerId, email, password, at: context.now },
        { commandId: context.commandId, occurredAt: context.now },
      );
      if (E.isLeft(result)) throw commandProblem(result.left);
      const body = customerView(result.right.state as CustomerState);
      const version = result.right.version;
      return {
        status: 201,
        body,
        headers: { location: '/customers/me' },
        ...(version === 'no_stream' ? {} : { etag: version }),
      };
    },
  }),
  defineRoute({
    method: 'POST',
    path: '/auth/token',
    operationId: 'issueToken',
    summary: 'Log in: a short-lived bearer token (HS256 JWT) for a customer or the bootstrap admin',
    tag: 'customers',
    access: 'public',
    body: Bodies.Token,
    rateLimit: 'auth',
    responses: { 200: { description: 'the access token', view: Views.Token } },
    errors: [401],
    handle: async (context) => {
      const { password } = context.body;
      const email = normaliseEmail(context.body.email);
      const admin = deps.bootstrapAdmin;
      if (admin !== undefined && secretsEqual(email, normaliseEmail(admin.email))) {
        if (!secretsEqual(password, admin.password)) throw invalidCredentials();
        return { status: 200, body: await deps.tokens.issue({ subject: 'admin', role: 'admin' }) };
      }
      const { owner } = (await context.reader.read(emailReservationDecider, emailReservationStreamId({ email }))).state;
      const customer =
        owner === undefined
          ? undefined
          : (await context.reader.read(customerDecider, customerStreamId({ customerId: owner }))).state;
      if (customer === undefined || customer.status === 'none') {
        await deps.hasher.verify(password, deps.decoyHash);
        throw invalidCredentials();
      }
      const ok = await deps.hasher.verify(password, customer.passwordHash);
      // Only the right password learns that the account is locked: a wrong one gets the answer
      // an unknown address gets, so the lock reveals nothing about who has an account.
      if (customer.locked) {
        if (!ok) throw invalidCredentials();
        throw unauthorized('the account is locked after too many failed logins', 'customer_locked');
      }
      await recordLogin(context, customer.customerId, ok);
      if (!ok) throw invalidCredentials();
      return { status: 200, body: await deps.tokens.issue({ subject: customer.customerId, role: 'customer' }) };
    },
  }),
  defineRoute({
    method: 'PUT',
    path: '/customers/me/password',
    operationId: 'changePassword',
    summary:
      'Change the calling customer’s password; the current one must be given (a wrong one counts as a failed login)',
    tag: 'customers',
    access: 'customer',
    body: Bodies.ChangePassword,
    idempotent: true,
    responses: { 200: { description: 'the customer', view: Views.Customer, etag: true } },
    errors: [403, 404, 409],
    handle: async (context) => {
      const { subject } = callerOf(context);
      const streamId = customerStreamId({ customerId: subject });
      const { state } = await context.reader.read(customerDecider, streamId);
      if (state.status === 'none') throw notFound('customer');
      if (!(await deps.hasher.verify(context.body.currentPassword, state.passwordHash))) {
        await recordLogin(context, subject, false);
        throw new HttpProblem(403, 'wrong_password', 'the current password is wrong');
      }
      return setPassword(context, subject, context.body.newPassword, streamId, deps.hasher);
    },
  }),
  defineRoute({
    method: 'PUT',
    path: '/customers/{customerId}/password',
    operationId: 'resetPassword',
    summary: 'Set a customer’s password (admin); this also unlocks a locked account',
    tag: 'customers',
    access: 'admin',
    params: { customerId: PathId },
    body: Bodies.ResetPassword,
    idempotent: true,
    responses: { 200: { description: 'the customer', view: Views.Customer, etag: true } },
    errors: [404],
    handle: async (context) => {
      const customerId = context.params.customerId ?? '';
      return setPassword(context, customerId, context.body.newPassword, customerStreamId({ customerId }), deps.hasher);
    },
  }),
  defineRoute({
    method: 'POST',
    path: '/customers/{customerId}/email-verification',
    operationId: 'verifyEmail',
    summary: 'Mark a customer’s e-mail address as verified (admin)',
    tag: 'customers',
    access: 'admin',
    params: { customerId: PathId },
    idempotent: true,
    responses: { 200: { description: 'the customer', view: Views.Customer, etag: true } },
    errors: [404, 409],
    handle: async (context) => {
      const customerId = context.params.customerId ?? '';
      const done = await execute<CustomerState>(context, { type: 'VerifyEmail', customerId, at: context.now });
      return customerAnswer(done.state, done.version);
    },
  }),
  defineRoute({
    method: 'GET',
    path: '/customers/me',
    operationId: 'getMe',
    summary: 'The calling customer',
    tag: 'customers',
    access: 'customer',
    responses: { 200: { description: 'the customer', view: Views.Customer, etag: true } },
    errors: [404],
    handle: async (context) => {
      const { subject } = callerOf(context);
      const { state, version } = await context.reader.read(customerDecider, customerStreamId({ customerId: subject }));
      const body = customerView(state);
      if (body === undefined) throw notFound('customer');
      return { status: 200, body, ...(version === undefined ? {} : { etag: version }) };
    },
  }),
];
