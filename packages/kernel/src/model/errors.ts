/**
 * One error model across Ordo.
 *
 * Expected failures (a rejected command, a conflict that survived its retries, bad input) are
 * plain values tagged with `_tag` and travel in an fp-ts `Either`. Unexpected failures (a database
 * that is down) are thrown / rejected as ordinary `Error`s. The error *classes* in this module are
 * thrown by store ports, because that is the contract users know from EventStoreDB's client; the
 * command handler turns them back into values.
 */

/** A business rule said no. `code` is stable and machine-readable; `message` is for people. */
export interface DomainError {
  readonly _tag: 'DomainError';
  readonly code: string;
  readonly message: string;
  readonly details?: Readonly<Record<string, unknown>>;
}

/** Builds a {@link DomainError}. */
export const domainError = (code: string, message: string, details?: Readonly<Record<string, unknown>>): DomainError =>
  details === undefined ? { _tag: 'DomainError', code, message } : { _tag: 'DomainError', code, message, details };

/** One problem found while decoding input: where, what was expected, what arrived. */
export interface ValidationIssue {
  /** Dotted path to the offending field, `''` for the value itself (e.g. `lines.0.quantity`). */
  readonly path: string;
  /** The name of the expected type, as the codec states it. */
  readonly expected: string;
  /** The value that was received at that path. */
  readonly actual: unknown;
  readonly message?: string;
}

/** Input did not match its codec. Lists every issue found, not only the first. */
export interface ValidationError {
  readonly _tag: 'ValidationError';
  readonly message: string;
  readonly issues: ReadonlyArray<ValidationIssue>;
}

/** Builds a {@link ValidationError} whose message names every offending path. */
export const validationError = (issues: ReadonlyArray<ValidationIssue>, what = 'input'): ValidationError => ({
  _tag: 'ValidationError',
  message: `invalid ${what}: ${issues
    .map((i) => `${i.path === '' ? '<root>' : i.path}: expected ${i.expected}, got ${describeValue(i.actual)}`)
    .join('; ')}`,
  issues,
});

/** A short, safe rendering of a received value for error messages. */
export const describeValue = (value: unknown): string => {
  if (value === undefined) return 'undefined';
  if (typeof value === 'bigint') return `${value}n`;
  if (typeof value === 'function') return 'a function';
  if (typeof value === 'symbol') return 'a symbol';
  try {
    const text = JSON.stringify(value);
    if (text === undefined) return String(value);
    return text.length > 80 ? `${text.slice(0, 77)}...` : text;
  } catch {
    return Object.prototype.toString.call(value);
  }
};

/**
 * The command's stream kept changing under it: every retry met a newer version; or the command
 * asked for one version of the stream (`expectedVersion`) and the stream was at another
 * (`actualVersion`, `'no_stream'` when it has no events).
 */
export interface ConcurrencyConflict {
  readonly _tag: 'ConcurrencyConflict';
  readonly message: string;
  readonly streamId: string;
  readonly attempts: number;
  /** The version the command's context asked for, when it named one. */
  readonly expectedVersion?: bigint;
  /** The stream's version when the command's `expectedVersion` did not match it. */
  readonly actualVersion?: bigint | 'no_stream';
}

/** Everything an Ordo API can return as an expected failure. */
export type OrdoFailure = DomainError | ValidationError | ConcurrencyConflict;

/** Base class of the errors Ordo throws, so `instanceof OrdoError` catches all of them. */
export abstract class OrdoError extends Error {
  abstract readonly code: string;
  constructor(message: string) {
    super(message);
    this.name = new.target.name;
  }
}

/** Bad input reached a port (empty stream id, data JSON cannot carry, oversized event...). Nothing was written. */
export class InvalidInputError extends OrdoError {
  readonly code: string;
  readonly issues: ReadonlyArray<ValidationIssue>;
  constructor(code: string, message: string, issues: ReadonlyArray<ValidationIssue> = []) {
    super(message);
    this.code = code;
    this.issues = issues;
  }
}

/**
 * True for an {@link InvalidInputError} (with `code`, when given), also across module copies
 * (ESM + CJS), where `instanceof` fails.
 */
export const isInvalidInputError = (e: unknown, code?: string): e is InvalidInputError => {
  const alike =
    e instanceof InvalidInputError ||
    (e instanceof Error &&
      e.name === 'InvalidInputError' &&
      typeof (e as { code?: unknown }).code === 'string' &&
      Array.isArray((e as { issues?: unknown }).issues));
  return alike && (code === undefined || (e as InvalidInputError).code === code);
};

/**
 * The one error of a bad option, from every package: an {@link InvalidInputError} with code
 * `invalid_options` and one issue naming the option at `path` (`batchSize`, `groupCommit.maxAppends`).
 */
export const invalidOptionError = (
  path: string,
  expected: string,
  actual: unknown,
  detail?: string,
): InvalidInputError =>
  new InvalidInputError(
    'invalid_options',
    `${path} must be ${expected}, got ${describeValue(actual)}${detail === undefined ? '' : ` (${detail})`}`,
    [{ path, expected, actual }],
  );
