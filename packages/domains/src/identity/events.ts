import * as t from 'io-ts';
import { defineMessages, type MessageOf } from '@ordo/kernel';
import { Email, Identifier, IsoDateTime, PasswordHash } from '../shared/codecs';
import { refine } from '../shared/refine';

const FailedAttempts = refine(t.number, (n) => Number.isSafeInteger(n) && n >= 1, 'FailedAttempts');

/**
 * Events of a customer account. E-mail addresses are stored normalised. These events carry password
 * hashes: keep customer streams off public topics (route them to no outbox topic).
 */
export const CustomerEvents = defineMessages(
  {
    CustomerRegistered: { customerId: Identifier, email: Email, passwordHash: PasswordHash, at: IsoDateTime },
    EmailVerified: { customerId: Identifier, email: Email, at: IsoDateTime },
    PasswordChanged: { customerId: Identifier, passwordHash: PasswordHash, at: IsoDateTime },
    /** `failedAttempts`: consecutive failures so far, this one included. */
    LoginFailed: { customerId: Identifier, failedAttempts: FailedAttempts, at: IsoDateTime },
    LoginSucceeded: { customerId: Identifier, at: IsoDateTime },
    CustomerLocked: { customerId: Identifier, at: IsoDateTime },
    CustomerUnlocked: { customerId: Identifier, at: IsoDateTime },
  },
  'CustomerEvent',
);

/** A customer event. */
export type CustomerEvent = MessageOf<typeof CustomerEvents>;

/** Events of an e-mail reservation. */
export const EmailReservationEvents = defineMessages(
  {
    EmailReserved: { email: Email, customerId: Identifier, at: IsoDateTime },
    EmailReleased: { email: Email, customerId: Identifier, at: IsoDateTime },
  },
  'EmailReservationEvent',
);

/** An e-mail reservation event. */
export type EmailReservationEvent = MessageOf<typeof EmailReservationEvents>;
