/**
 * Identity: customer accounts (`customer-${customerId}`) and e-mail reservations
 * (`email-${normalisedEmail}`) that keep an address unique across customers. Register in two steps:
 * `ReserveEmail` on the address's stream, then `RegisterCustomer`; if registration is rejected,
 * `ReleaseEmail`. Rejection codes: see {@link customerRejectionCodes} and
 * {@link emailReservationRejectionCodes}.
 */
export { normaliseEmail } from './email';
export type { PasswordHasher } from './password-hasher';
export {
  CustomerCommands,
  EmailReservationCommands,
  customerCommandCodec,
  emailReservationCommandCodec,
} from './commands';
export type { CustomerCommand, EmailReservationCommand } from './commands';
export { CustomerEvents, EmailReservationEvents } from './events';
export type { CustomerEvent, EmailReservationEvent } from './events';
export { MAX_FAILED_LOGINS, customerDecider, customerRejectionCodes, customerStreamId } from './customer-decider';
export type { Customer, CustomerState } from './customer-decider';
export {
  emailReservationDecider,
  emailReservationRejectionCodes,
  emailReservationStreamId,
} from './email-reservation-decider';
export type { EmailReservationState } from './email-reservation-decider';
