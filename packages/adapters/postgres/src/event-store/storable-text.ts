import { InvalidInputError, type ValidationIssue } from '@ordo/kernel';

/**
 * What JSON can carry but PostgreSQL cannot store, checked before anything is sent:
 * - U+0000: `text` rejects the byte and `jsonb` rejects the `\u0000` escape;
 * - lone UTF-16 surrogates: `jsonb` rejects the `\udXXX` escape that JSON.stringify writes for
 *   them, and a `text` parameter would silently turn them into U+FFFD.
 * Both are valid JSON, so the kernel's `assertValidAppend` lets them through; the adapter answers
 * them with `InvalidInputError('not_serialisable')` naming the field, and writes nothing.
 */

// eslint-disable-next-line no-control-regex
const UNSTORABLE_CHAR = /\u0000|[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/;

/** True when PostgreSQL can store the string as `text` unchanged. */
export const isStorableText = (s: string): boolean => !UNSTORABLE_CHAR.test(s);

/**
 * True when JSON text (as JSON.stringify writes it) holds an escape PostgreSQL's `jsonb` rejects:
 * `\u0000`, or `\udXXX`, which JSON.stringify only writes for a lone surrogate (it writes valid
 * pairs as raw characters). A backslash run of even length is an escaped backslash, not an escape.
 */
export const hasUnstorableEscape = (json: string): boolean => {
  let from = json.indexOf('\\u');
  while (from !== -1) {
    let run = 0;
    for (let i = from; i >= 0 && json.charCodeAt(i) === 0x5c; i--) run++;
    if (run % 2 === 1) {
      const hex = json.slice(from + 2, from + 6).toLowerCase();
      if (hex === '0000' || /^d[89a-f]/.test(hex)) return true;
    }
    from = json.indexOf('\\u', from + 2);
  }
  return false;
};

/** Path and value of the first string (or object key) PostgreSQL cannot store, if any. */
export const findUnstorableText = (value: unknown, path: string): ValidationIssue | undefined => {
  const at = (p: string, k: string) => (p === '' ? k : `${p}.${k}`);
  if (typeof value === 'string') {
    return isStorableText(value)
      ? undefined
      : { path, expected: 'text without U+0000 or unpaired surrogates', actual: value.slice(0, 80) };
  }
  if (typeof value !== 'object' || value === null) return undefined;
  if (Array.isArray(value)) {
    for (let i = 0; i < value.length; i++) {
      const issue = findUnstorableText(value[i], at(path, String(i)));
      if (issue) return issue;
    }
    return undefined;
  }
  for (const [k, v] of Object.entries(value as Record<string, unknown>)) {
    if (!isStorableText(k)) {
      return { path: at(path, k), expected: 'a key without U+0000 or unpaired surrogates', actual: k.slice(0, 80) };
    }
    const issue = findUnstorableText(v, at(path, k));
    if (issue) return issue;
  }
  return undefined;
};

/** Throws `InvalidInputError('not_serialisable')` for an issue found by {@link findUnstorableText}. */
export const unstorable = (issue: ValidationIssue): InvalidInputError =>
  new InvalidInputError(
    'not_serialisable',
    `${issue.path} cannot be stored in PostgreSQL (U+0000 and unpaired UTF-16 surrogates are not allowed)`,
    [issue],
  );
