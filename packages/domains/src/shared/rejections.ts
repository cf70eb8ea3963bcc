import { type DomainError, domainError } from '@ordo/kernel';

/**
 * Rejection used by every domain when a command names another aggregate than the stream it was
 * routed to (a routing bug; the stream id derives from the command).
 */
export const streamMismatch = (field: string, expected: string, actual: string): DomainError =>
  domainError(
    'stream_mismatch',
    `command ${field} ${JSON.stringify(actual)} does not match stream ${JSON.stringify(expected)}`,
    {
      field,
      expected,
      actual,
    },
  );

/** Rejection when a command states a currency other than the aggregate's. */
export const currencyMismatch = (expected: string, actual: string): DomainError =>
  domainError('currency_mismatch', `currency ${actual} does not match ${expected}`, { expected, actual });

/** True when `n` is a safe integer greater than zero (defence for callers that skip the codecs). */
export const isPositiveInt = (n: number): boolean => Number.isSafeInteger(n) && n > 0;
