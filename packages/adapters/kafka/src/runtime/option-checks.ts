import { InvalidInputError } from '@ordo/kernel';

/** The code of every error about a bad option of the adapter's factories (as in the kernel). */
export const INVALID_OPTIONS = 'invalid_options';

/**
 * The error of one bad option: an {@link InvalidInputError} with code `invalid_options` and one
 * issue naming the option at `path` (e.g. `batchSize`, `topics.0`). `problem` completes the
 * message: `<path> <problem>`.
 */
export const invalidOption = (path: string, expected: string, actual: unknown, problem: string): InvalidInputError =>
  new InvalidInputError(INVALID_OPTIONS, `${path} ${problem}`, [{ path, expected, actual, message: problem }]);

/** Answers `value` when it is a positive integer; otherwise throws {@link invalidOption} for `path`. */
export const positiveIntegerOption = (value: number, path: string): number => {
  if (!Number.isInteger(value) || value <= 0)
    throw invalidOption(path, 'positive integer', value, `must be a positive integer, got ${String(value)}`);
  return value;
};
