/**
 * What the publisher, relay and consumer share: the kernel's backoff with a random jitter, and
 * option checks. Only the backoff policy (an option type, the kernel's `BackoffPolicy`) is public;
 * the rest is internal to the package.
 */
export type { BackoffPolicy } from './backoff';
