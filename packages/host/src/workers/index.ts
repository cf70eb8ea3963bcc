/** Workers of the host: each runs on ports, so the same code serves memory and PostgreSQL. */
export * from './command-dispatcher';
export * from './domain-routes';
export * from './saga-runner';
export * from './payment-service';
export * from './shipping-simulator';
export * from './notification-runner';
export * from './projection-runner';
export * from './outbox-relay';
