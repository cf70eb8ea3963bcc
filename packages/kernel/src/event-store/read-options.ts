import { InvalidInputError, type ValidationIssue, describeValue } from '../model/errors';
import type { ReadAllOptions, ReadStreamOptions } from './event-store';

/**
 * The one rule for read options, shared by every event store adapter (on
 * `@ordo/kernel/adapter-kit`), so the same bad options get the same error everywhere:
 * `InvalidInputError` with code `invalid_read_options` and one issue per bad field, its `path`
 * naming the field (`after`, `fromVersion`, `maxCount`, `direction`, `tenantId`, or `options` when
 * the options are not an object at all).
 *
 * - `options`: `undefined` or an object (other keys are ignored).
 * - `after` (readAll): `undefined` or a bigint >= `0n`. Positions start above `0n`, so `0n` is
 *   "from the beginning"; `-1n` is not a position and is rejected, not clamped.
 * - `fromVersion` (readStream): `undefined` or a bigint >= `0n`; past the end reads nothing.
 * - `maxCount`: `undefined` (no limit) or a safe integer >= 0 (a `number`, as the type says; `0`
 *   reads nothing). Fractions, negatives, `NaN`, `Infinity` and bigints are rejected.
 * - `direction` (readStream): `undefined`, `'forwards'` or `'backwards'`.
 * - `tenantId`: `undefined` or a string.
 *
 * Stream ids are checked by `assertValidStreamId`, before the options.
 */

/** The error code of bad read options. */
export const INVALID_READ_OPTIONS = 'invalid_read_options';

const bigintAtLeastZero = (value: unknown): boolean =>
  value === undefined || (typeof value === 'bigint' && value >= 0n);

const isMaxCount = (value: unknown): boolean =>
  value === undefined || (typeof value === 'number' && Number.isSafeInteger(value) && value >= 0);

const issue = (path: string, expected: string, actual: unknown): ValidationIssue => ({ path, expected, actual });

const fail = (issues: ReadonlyArray<ValidationIssue>): never => {
  throw new InvalidInputError(
    INVALID_READ_OPTIONS,
    `invalid read options: ${issues.map((i) => `${i.path} must be ${i.expected}, got ${describeValue(i.actual)}`).join('; ')}`,
    issues,
  );
};

const NO_OPTIONS: Record<string, unknown> = Object.freeze({});

/** The options as a record, or the `options` issue. */
const asRecord = (options: unknown): Record<string, unknown> => {
  if (options === undefined) return NO_OPTIONS;
  if (typeof options !== 'object' || options === null || Array.isArray(options)) {
    return fail([issue('options', 'an object or undefined', options)]);
  }
  return options as Record<string, unknown>;
};

const isTenantId = (value: unknown): boolean => value === undefined || typeof value === 'string';

const isDirection = (value: unknown): boolean => value === undefined || value === 'forwards' || value === 'backwards';

/** Throws `InvalidInputError('invalid_read_options')` unless `options` are valid `readStream` options. */
export function assertValidReadStreamOptions(options: unknown): asserts options is ReadStreamOptions | undefined {
  const o = asRecord(options);
  // Reads are hot (subscriptions page through them): the valid path allocates nothing.
  const { fromVersion, maxCount, direction, tenantId } = o;
  if (bigintAtLeastZero(fromVersion) && isMaxCount(maxCount) && isDirection(direction) && isTenantId(tenantId)) return;
  const issues: ValidationIssue[] = [];
  if (!bigintAtLeastZero(fromVersion)) issues.push(issue('fromVersion', 'a bigint >= 0n', fromVersion));
  if (!isMaxCount(maxCount)) issues.push(issue('maxCount', 'a safe integer >= 0', maxCount));
  if (!isTenantId(tenantId)) issues.push(issue('tenantId', 'a string', tenantId));
  if (!isDirection(direction)) issues.push(issue('direction', "'forwards' or 'backwards'", direction));
  fail(issues);
}

/** Throws `InvalidInputError('invalid_read_options')` unless `options` are valid `readAll` options. */
export function assertValidReadAllOptions(options: unknown): asserts options is ReadAllOptions | undefined {
  const o = asRecord(options);
  const { after, maxCount, tenantId } = o;
  if (bigintAtLeastZero(after) && isMaxCount(maxCount) && isTenantId(tenantId)) return;
  const issues: ValidationIssue[] = [];
  if (!bigintAtLeastZero(after)) issues.push(issue('after', 'a bigint >= 0n', after));
  if (!isMaxCount(maxCount)) issues.push(issue('maxCount', 'a safe integer >= 0', maxCount));
  if (!isTenantId(tenantId)) issues.push(issue('tenantId', 'a string', tenantId));
  fail(issues);
}
