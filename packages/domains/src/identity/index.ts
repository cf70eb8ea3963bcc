/**
 * Identity: customer accounts (`customer-${customerId}`) and e-mail reservations
 * (`email-${normalisedEmail}`) that keep an address unique across customers. Register in two steps:
 * `ReserveEmail` on the address's stream, then `RegisterCustomer`; if registration is rejected,
 * `ReleaseEmail`. Rejection codes: see {@link customerRejectionCodes} and
 * {@link emailReservationRejectionCodes}.
 */
export * from './email';
export * from './password-hasher';
export * from './commands';
export * from './events';
export * from './customer-decider';
export * from './email-reservation-decider';
