/**
 * @ordo/host: the composition root. Workers that run the domains on the kernel's ports (command
 * dispatcher, saga runner, payment service, carrier simulator, notification and projection
 * runners, outbox relay), the scrypt password hasher, and the deterministic simulation that runs
 * everything under one seed.
 */
export * from './workers';
export * from './identity/scrypt-password-hasher';
export * from './simulation';
export * from './composition';
