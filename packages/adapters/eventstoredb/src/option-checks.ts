import { InvalidInputError, describeValue } from '@ordo/kernel';

/**
 * Checks of the adapter's options (the factory's, the stores', `subscribeToAll`'s). Every bad
 * option is the same error: the kernel's {@link InvalidInputError} with code `invalid_options`
 * and one issue whose `path` names the option (`subscriptions.retry.maxDelayMs`, `snapshotsKept`).
 * Shared by every port's folder, so it sits beside the package entry.
 */

/** The `invalid_options` error for the option at `path`. */
export const invalidOption = (path: string, expected: string, actual: unknown, detail?: string): InvalidInputError =>
  new InvalidInputError(
    'invalid_options',
    `${path} must be ${expected}, got ${describeValue(actual)}${detail === undefined ? '' : ` (${detail})`}`,
    [{ path, expected, actual }],
  );

/** `value`, or `fallback` when it is `undefined`; throws unless it is a safe integer `>= min`. */
export const integerOption = (path: string, value: unknown, fallback: number, min = 1): number => {
  if (value === undefined) return fallback;
  if (typeof value !== 'number' || !Number.isSafeInteger(value) || value < min) {
    throw invalidOption(path, `an integer >= ${min}`, value);
  }
  return value;
};

/** Throws unless `value` is `undefined` or a finite number `>= 0` (a duration in ms). */
export const checkDurationOption = (path: string, value: unknown): void => {
  if (value !== undefined && !(typeof value === 'number' && Number.isFinite(value) && value >= 0)) {
    throw invalidOption(path, 'a finite number >= 0', value);
  }
};

/** Throws unless `value` is `undefined`, a safe integer `>= 0`, or `Infinity` (a count of retries). */
export const checkRetryCountOption = (path: string, value: unknown): void => {
  if (
    value !== undefined &&
    value !== Number.POSITIVE_INFINITY &&
    !(typeof value === 'number' && Number.isSafeInteger(value) && value >= 0)
  ) {
    throw invalidOption(path, 'an integer >= 0 or Infinity', value);
  }
};
