import * as E from 'fp-ts/Either';
import type * as t from 'io-ts';
import { type ValidationError, type ValidationIssue, validationError } from './errors';

/** Turns io-ts decode errors into issues that name the field path, the expected type and the value. */
export const toValidationIssues = (errors: t.Errors): ReadonlyArray<ValidationIssue> => {
  const seen = new Set<string>();
  const issues: ValidationIssue[] = [];
  for (const error of errors) {
    // The context runs from the root codec down to the failing leaf. Union/intersection members
    // appear with numeric keys that are not part of the data path, so keep only keys whose
    // parent type is an object or array shape.
    const path: string[] = [];
    const ctx = error.context;
    for (let i = 1; i < ctx.length; i++) {
      const parent = ctx[i - 1];
      const entry = ctx[i];
      if (parent === undefined || entry === undefined) continue;
      const tag = (parent.type as { _tag?: string })._tag;
      if (
        tag === 'UnionType' ||
        tag === 'IntersectionType' ||
        tag === 'RefinementType' ||
        tag === 'ReadonlyType' ||
        tag === 'ExactType'
      )
        continue;
      path.push(entry.key);
    }
    const leaf = ctx[ctx.length - 1];
    const expected = leaf?.type.name ?? 'unknown';
    const key = `${path.join('.')}|${expected}`;
    if (seen.has(key)) continue;
    seen.add(key);
    issues.push(
      error.message === undefined
        ? { path: path.join('.'), expected, actual: error.value }
        : { path: path.join('.'), expected, actual: error.value, message: error.message },
    );
  }
  return issues;
};

/**
 * Decodes `input` with `codec`, answering bad input with a {@link ValidationError} that lists
 * every offending field. `what` names the input in the message (`'command'`, `'HTTP body'`...).
 */
export const decodeWith =
  <A, O>(codec: t.Type<A, O, unknown>, what = 'input') =>
  (input: unknown): E.Either<ValidationError, A> => {
    const result = codec.decode(input);
    return E.isRight(result) ? result : E.left(validationError(toValidationIssues(result.left), what));
  };
