/**
 * @ordo/kernel: a pure event-sourcing core. Deciders, projections and sagas as pure functions;
 * ports for stores and messaging; the command handler that ties a decider to a store.
 * No I/O, no clock, no randomness: time and ids come in through commands or injected ports.
 */
export * from './errors';
export * from './expected-version';
export * from './wrong-expected-version-error';
export * from './validation';
export * from './message';
export * from './metadata';
export * from './event-store';
export * from './append-validation';
export * from './catch-up-subscription';
export * from './decider';
export * from './state-cache';
export * from './snapshot';
export * from './upcasting';
export * from './command-context';
export * from './conflict-backoff';
export * from './stream-queue';
export * from './command-handler';
export * from './projection';
export * from './saga';
export * from './messaging';
