import { invalidOptionError } from '@ordo/kernel';

/**
 * Checks of the adapter's options (the factory's, the stores', `subscribeToAll`'s). Every bad
 * option is the same error: the kernel's {@link InvalidInputError} with code `invalid_options`
 * and one issue whose `path` names the option (`subscriptions.retry.maxDelayMs`, `snapshotsKept`).
 * Shared by every port's folder, so it sits beside the package entry.
 */

/** `value`, or `fallback` when it is `undefined`; throws unless it is a safe integer `>= min`. */
export const integerOption = (path: string, value: unknown, fallback: number, min = 1): number => {
  if (value === undefined) return fallback;
  if (typeof value !== 'number' || !Number.isSafeInteger(value) || value < min) {
    throw invalidOptionError(path, `an integer >= ${min}`, value);
  }
  return value;
};

/** Throws unless `value` is `undefined` or a finite number `>= 0` (a duration in ms). */
export const checkDurationOption = (path: string, value: unknown): void => {
  if (value !== undefined && !(typeof value === 'number' && Number.isFinite(value) && value >= 0)) {
    throw invalidOptionError(path, 'a finite number >= 0', value);
  }
};

/** Throws unless `value` is `undefined`, a safe integer `>= 0`, or `Infinity` (a count of retries). */
export const checkRetryCountOption = (path: string, value: unknown): void => {
  if (
    value !== undefined &&
    value !== Number.POSITIVE_INFINITY &&
    !(typeof value === 'number' && Number.isSafeInteger(value) && value >= 0)
  ) {
    throw invalidOptionError(path, 'an integer >= 0 or Infinity', value);
  }
};
