import { type BackoffPolicy, backoffDelay as kernelBackoffDelay } from '@ordo/kernel';

export type { BackoffPolicy } from '@ordo/kernel';

/**
 * The kernel's retry backoff (`backoffDelay`: exponential, capped), with the jitter drawn from
 * `Math.random`: consumers in different processes then spread their retries apart. The kernel
 * has no randomness of its own; an adapter may.
 */
export const backoffDelay = (failures: number, policy?: BackoffPolicy): number =>
  kernelBackoffDelay(failures, policy, Math.random);
