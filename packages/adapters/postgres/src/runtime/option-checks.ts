import { invalidOptionError } from '@ordo/kernel';

/**
 * Checks of the adapter's options (constructors, factories, `migrate`, outbox claims). Every bad
 * option is the same error, as in the kernel: an {@link InvalidInputError} with code
 * `invalid_options` and one issue whose `path` names the option (`batchSize`, `schema`,
 * `groupCommit.maxAppends`).
 */

/** Throws {@link invalidOptionError} unless `value` is a positive finite number (a duration in milliseconds). */
export const assertPositiveMs = (path: string, value: number): void => {
  if (typeof value !== 'number' || !Number.isFinite(value) || value <= 0) {
    throw invalidOptionError(path, 'a positive number of milliseconds', value);
  }
};

/** Throws {@link invalidOptionError} unless `value` is a positive integer (a count). */
export const assertPositiveInt = (path: string, value: number): void => {
  if (!Number.isInteger(value) || value <= 0) {
    throw invalidOptionError(path, 'a positive integer', value);
  }
};
