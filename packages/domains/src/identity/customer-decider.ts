import { accept, type Decider, type DomainError, domainError, reject } from '@ordo/kernel';
import { streamMismatch } from '../shared/rejections';
import type { CustomerCommand } from './commands';
import { normaliseEmail } from './email';
import type { CustomerEvent } from './events';

/** Consecutive failed logins that lock an account. */
export const MAX_FAILED_LOGINS = 5;

/** A registered customer. */
export interface Customer {
  readonly status: 'registered';
  readonly customerId: string;
  /** Normalised address. */
  readonly email: string;
  readonly emailVerified: boolean;
  readonly passwordHash: string;
  /** Consecutive failed logins since the last success or password change. */
  readonly failedLogins: number;
  readonly locked: boolean;
}

/** State of one customer stream. */
export type CustomerState = { readonly status: 'none' } | Customer;

/** Stream of the customer a command targets. */
export const customerStreamId = (command: { readonly customerId: string }): string => `customer-${command.customerId}`;

/**
 * Rejection codes of a customer account:
 * - `customer_already_registered`: RegisterCustomer on an existing account;
 * - `customer_not_found`: any other command before registration;
 * - `email_already_verified`: VerifyEmail twice;
 * - `customer_locked`: RecordFailedLogin or RecordSuccessfulLogin on a locked account
 *   (ChangePassword unlocks it);
 * - `stream_mismatch`: the command names another customer than the stream's.
 */
export const customerRejectionCodes = [
  'customer_already_registered',
  'customer_not_found',
  'email_already_verified',
  'customer_locked',
  'stream_mismatch',
] as const;

const customerError = (code: string, customerId: string, message: string): DomainError =>
  domainError(code, `customer ${customerId} ${message}`, { customerId });

const decide = (command: CustomerCommand, state: CustomerState) => {
  if (state.status === 'none') {
    if (command.type !== 'RegisterCustomer') {
      return reject(customerError('customer_not_found', command.customerId, 'is not registered'));
    }
    const { customerId, passwordHash, at } = command;
    return accept<CustomerEvent>({
      type: 'CustomerRegistered',
      customerId,
      email: normaliseEmail(command.email),
      passwordHash,
      at,
    });
  }
  const { customerId } = state;
  if (command.customerId !== customerId) return reject(streamMismatch('customerId', customerId, command.customerId));
  const { at } = command;
  switch (command.type) {
    case 'RegisterCustomer':
      return reject(customerError('customer_already_registered', customerId, 'is already registered'));
    case 'VerifyEmail':
      if (state.emailVerified)
        return reject(customerError('email_already_verified', customerId, 'has already verified its e-mail'));
      return accept<CustomerEvent>({ type: 'EmailVerified', customerId, email: state.email, at });
    case 'ChangePassword': {
      const changed: CustomerEvent = { type: 'PasswordChanged', customerId, passwordHash: command.passwordHash, at };
      return state.locked
        ? accept<CustomerEvent>(changed, { type: 'CustomerUnlocked', customerId, at })
        : accept(changed);
    }
    case 'RecordFailedLogin': {
      if (state.locked) return reject(customerError('customer_locked', customerId, 'is locked'));
      const failedAttempts = state.failedLogins + 1;
      const failed: CustomerEvent = { type: 'LoginFailed', customerId, failedAttempts, at };
      return failedAttempts >= MAX_FAILED_LOGINS
        ? accept<CustomerEvent>(failed, { type: 'CustomerLocked', customerId, at })
        : accept(failed);
    }
    case 'RecordSuccessfulLogin':
      if (state.locked) return reject(customerError('customer_locked', customerId, 'is locked'));
      return accept<CustomerEvent>({ type: 'LoginSucceeded', customerId, at });
  }
};

const evolve = (state: CustomerState, event: CustomerEvent): CustomerState => {
  if (event.type === 'CustomerRegistered') {
    return {
      status: 'registered',
      customerId: event.customerId,
      email: event.email,
      emailVerified: false,
      passwordHash: event.passwordHash,
      failedLogins: 0,
      locked: false,
    };
  }
  if (state.status === 'none') return state;
  switch (event.type) {
    case 'EmailVerified':
      return { ...state, emailVerified: true };
    case 'PasswordChanged':
      return { ...state, passwordHash: event.passwordHash, failedLogins: 0 };
    case 'LoginFailed':
      return { ...state, failedLogins: event.failedAttempts };
    case 'LoginSucceeded':
      return { ...state, failedLogins: 0 };
    case 'CustomerLocked':
      return { ...state, locked: true };
    case 'CustomerUnlocked':
      return { ...state, locked: false };
  }
};

/**
 * One customer account. Invariants: failed logins never exceed {@link MAX_FAILED_LOGINS}; an
 * account is locked exactly when that many consecutive logins failed (a success or a password
 * change resets the count, the latter also unlocks).
 */
export const customerDecider: Decider<CustomerCommand, CustomerEvent, CustomerState> = {
  initialState: { status: 'none' },
  decide,
  evolve,
};
