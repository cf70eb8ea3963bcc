import { accept, type Decider, domainError, reject } from '@ordo/kernel';
import { streamMismatch } from '../shared/rejections';
import type { EmailReservationCommand } from './commands';
import { normaliseEmail } from './email';
import type { EmailReservationEvent } from './events';

/** State of one e-mail reservation stream. */
export interface EmailReservationState {
  /** The normalised address, known after the first event. */
  readonly email: string | undefined;
  /** The customer holding the address, if any. */
  readonly owner: string | undefined;
}

/** Stream of the address a command targets (normalised, so case and spaces do not dodge uniqueness). */
export const emailReservationStreamId = (command: { readonly email: string }): string =>
  `email-${normaliseEmail(command.email)}`;

/**
 * Rejection codes of an e-mail reservation:
 * - `email_taken`: ReserveEmail for an address another customer holds (the holder reserving again
 *   is accepted with no events);
 * - `email_not_reserved`: ReleaseEmail for an address nobody holds;
 * - `email_held_by_other`: ReleaseEmail by a customer who does not hold the address;
 * - `stream_mismatch`: the command names another address than the stream's.
 */
export const emailReservationRejectionCodes = [
  'email_taken',
  'email_not_reserved',
  'email_held_by_other',
  'stream_mismatch',
] as const;

const decide = (command: EmailReservationCommand, state: EmailReservationState) => {
  const email = normaliseEmail(command.email);
  if (state.email !== undefined && email !== state.email) return reject(streamMismatch('email', state.email, email));
  const { customerId, at } = command;
  switch (command.type) {
    case 'ReserveEmail':
      if (state.owner === customerId) return accept<EmailReservationEvent>();
      if (state.owner !== undefined) {
        return reject(domainError('email_taken', `e-mail ${email} is already taken`, { email }));
      }
      return accept<EmailReservationEvent>({ type: 'EmailReserved', email, customerId, at });
    case 'ReleaseEmail':
      if (state.owner === undefined) {
        return reject(domainError('email_not_reserved', `e-mail ${email} is not reserved`, { email }));
      }
      if (state.owner !== customerId) {
        return reject(
          domainError('email_held_by_other', `e-mail ${email} is held by another customer`, { email, customerId }),
        );
      }
      return accept<EmailReservationEvent>({ type: 'EmailReleased', email, customerId, at });
  }
};

const evolve = (state: EmailReservationState, event: EmailReservationEvent): EmailReservationState =>
  event.type === 'EmailReserved'
    ? { email: event.email, owner: event.customerId }
    : { email: event.email, owner: undefined };

/**
 * One e-mail address. Invariant: at most one customer holds the address at a time; it passes to
 * another customer only after the holder released it.
 */
export const emailReservationDecider: Decider<EmailReservationCommand, EmailReservationEvent, EmailReservationState> = {
  initialState: { email: undefined, owner: undefined },
  decide,
  evolve,
};
