import { InvalidInputError } from '@ordo/kernel';

/**
 * Answers `value` when it is a positive integer; otherwise throws an {@link InvalidInputError}
 * with `code` (e.g. `invalid_relay_option`) naming the option at `path`.
 */
export const positiveIntegerOption = (code: string, value: number, path: string): number => {
  if (!Number.isInteger(value) || value <= 0)
    throw new InvalidInputError(code, `${path} must be a positive integer, got ${String(value)}`, [
      { path, expected: 'positive integer', actual: value },
    ]);
  return value;
};
