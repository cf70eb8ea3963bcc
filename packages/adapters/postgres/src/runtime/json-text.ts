import { InvalidInputError } from '@ordo/kernel';
import { findNonJsonValue } from '@ordo/kernel/adapter-kit';
import { findUnstorableText, hasUnstorableEscape, unstorable } from '../event-store/storable-text';

/**
 * The JSON text of `value` for a `jsonb` column, or `InvalidInputError` `not_serialisable` naming
 * the field (`path`, e.g. `message.at`): for what JSON cannot carry faithfully (a bigint, a Date,
 * a Map, `undefined` at the top or in an array, a cycle) and for text PostgreSQL cannot store
 * (U+0000, unpaired surrogates). Refusing a Date is deliberate: it would come back as a string.
 * `what` starts the message (`scheduled message 'x'`).
 */
export const jsonbText = (value: unknown, path: string, what: string): string => {
  const issue =
    value === undefined ? { path, expected: 'JSON value', actual: undefined } : findNonJsonValue(value, path);
  if (issue) {
    throw new InvalidInputError(
      'not_serialisable',
      `${what}: ${issue.path} cannot be stored as JSON (expected ${issue.expected})`,
      [issue],
    );
  }
  const json = JSON.stringify(value);
  if (hasUnstorableEscape(json)) {
    const text = findUnstorableText(value, path);
    if (text) throw unstorable(text);
  }
  return json;
};
