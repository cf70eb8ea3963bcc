import type * as t from 'io-ts';
import { defineMessages, type MessageOf } from '@ordo/kernel';
import { Email, Identifier, IsoDateTime, PasswordHash } from '../shared/codecs';

/**
 * Commands of a customer account (`customer-${customerId}`). Passwords arrive already hashed by a
 * `PasswordHasher`. Register a customer only after `ReserveEmail` succeeded for the address.
 */
export const CustomerCommands = defineMessages(
  {
    RegisterCustomer: { customerId: Identifier, email: Email, passwordHash: PasswordHash, at: IsoDateTime },
    VerifyEmail: { customerId: Identifier, at: IsoDateTime },
    /** Also unlocks a locked account (the reset flow that leads here is authenticated outside). */
    ChangePassword: { customerId: Identifier, passwordHash: PasswordHash, at: IsoDateTime },
    RecordFailedLogin: { customerId: Identifier, at: IsoDateTime },
    /** Resets the count of consecutive failed logins. */
    RecordSuccessfulLogin: { customerId: Identifier, at: IsoDateTime },
  },
  'CustomerCommand',
);

/** A customer command. */
export type CustomerCommand = MessageOf<typeof CustomerCommands>;

/** The codec of {@link CustomerCommand}: pass it as a command handler's `commandCodec`. */
export const customerCommandCodec: t.Type<CustomerCommand, CustomerCommand, unknown> = CustomerCommands.codec;

/**
 * Commands of an e-mail reservation (`email-${normalisedEmail}`): the stream that makes an
 * address unique across customers.
 */
export const EmailReservationCommands = defineMessages(
  {
    ReserveEmail: { email: Email, customerId: Identifier, at: IsoDateTime },
    /** Gives the address back, e.g. when the registration that reserved it failed. */
    ReleaseEmail: { email: Email, customerId: Identifier, at: IsoDateTime },
  },
  'EmailReservationCommand',
);

/** An e-mail reservation command. */
export type EmailReservationCommand = MessageOf<typeof EmailReservationCommands>;

/** The codec of {@link EmailReservationCommand}: pass it as a command handler's `commandCodec`. */
export const emailReservationCommandCodec: t.Type<EmailReservationCommand, EmailReservationCommand, unknown> =
  EmailReservationCommands.codec;
