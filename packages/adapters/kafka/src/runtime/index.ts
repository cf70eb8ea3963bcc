/**
 * What the publisher, relay and consumer share: backoff and option checks. Only the backoff policy
 * (an option type) is public; the rest is internal to the package.
 */
export type { BackoffPolicy } from './backoff';
