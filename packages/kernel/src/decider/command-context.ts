import { assertValidStreamId } from '../event-store/append-validation';
import { isInvalidInputError, type ValidationIssue } from '../model/errors';

/** Who/when/why of one command: the command id drives idempotency, the rest becomes metadata. */
export interface CommandContext {
  /** Unique per command; handling the same command id twice appends once. */
  readonly commandId: string;
  /** ISO-8601 date and time with a time zone (`2026-01-01T12:00:00Z`) the command was issued at; the kernel has no clock. */
  readonly occurredAt: string;
  /** Defaults to the command id. */
  readonly correlationId?: string;
  /** Defaults to the command id. */
  readonly causationId?: string;
  readonly tenantId?: string;
  readonly traceparent?: string;
  readonly headers?: Readonly<Record<string, string>>;
  /**
   * Decide only on this version of the stream (an HTTP `If-Match`, say). When the stream is at
   * another version, when loaded or because a concurrent write landed first, the handler answers
   * a `ConcurrencyConflict` carrying `expectedVersion` and `actualVersion` at once, without a
   * retry and without deciding. A command id the stream already holds is still a duplicate.
   */
  readonly expectedVersion?: bigint;
}

// Date, `T`, time with optional seconds and fraction, then `Z` or an offset.
const ISO_DATE_TIME = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2})(?::(\d{2})(?:\.\d{1,9})?)?(?:Z|[+-](\d{2}):(\d{2}))$/;

/**
 * True for an ISO-8601 date and time with a time zone (`Z` or `±hh:mm`) that names a real
 * instant: `2026-02-30T00:00:00Z` and `yesterday` are not; a leap second (`:60`) is refused.
 */
export const isIsoDateTime = (value: unknown): value is string => {
  if (typeof value !== 'string') return false;
  const m = ISO_DATE_TIME.exec(value);
  if (m === null) return false;
  const [year, month, day, hour, minute, second, offsetHour, offsetMinute] = m
    .slice(1)
    .map((part) => (part === undefined ? 0 : Number(part))) as [
    number,
    number,
    number,
    number,
    number,
    number,
    number,
    number,
  ];
  const daysInMonth = new Date(Date.UTC(year, month, 0)).getUTCDate();
  return (
    month >= 1 &&
    month <= 12 &&
    day >= 1 &&
    day <= daysInMonth &&
    hour <= 23 &&
    minute <= 59 &&
    second <= 59 &&
    offsetHour <= 23 &&
    offsetMinute <= 59
  );
};

const nonEmpty = (value: unknown): value is string => typeof value === 'string' && value.trim().length > 0;

const OPTIONAL_IDS = ['correlationId', 'causationId', 'tenantId', 'traceparent'] as const;

/**
 * Every problem with a command's context, each naming the field the caller passed (`commandId`,
 * `occurredAt`, `headers.x`...): the command handler answers them as one ValidationError before
 * anything is loaded or written.
 */
export const commandContextIssues = (context: unknown): ReadonlyArray<ValidationIssue> => {
  if (typeof context !== 'object' || context === null || Array.isArray(context)) {
    return [{ path: '', expected: 'a command context object', actual: context }];
  }
  const c = context as Partial<Record<keyof CommandContext, unknown>>;
  const issues: ValidationIssue[] = [];
  if (!nonEmpty(c.commandId)) issues.push({ path: 'commandId', expected: 'non-empty string', actual: c.commandId });
  if (!isIsoDateTime(c.occurredAt)) {
    issues.push({
      path: 'occurredAt',
      expected: 'ISO-8601 date-time with time zone',
      actual: c.occurredAt,
      message: 'occurredAt must be an ISO-8601 date and time with a time zone, such as 2026-01-01T12:00:00Z',
    });
  }
  for (const field of OPTIONAL_IDS) {
    const value = c[field];
    if (value !== undefined && !nonEmpty(value)) {
      issues.push({ path: field, expected: 'non-empty string (or absent)', actual: value });
    }
  }
  const expected = c.expectedVersion;
  if (expected !== undefined && (typeof expected !== 'bigint' || expected < 0n)) {
    issues.push({ path: 'expectedVersion', expected: 'a bigint >= 0n (or absent)', actual: expected });
  }
  const headers = c.headers;
  if (headers !== undefined) {
    if (typeof headers !== 'object' || headers === null || Array.isArray(headers)) {
      issues.push({ path: 'headers', expected: 'a record of strings', actual: headers });
    } else {
      for (const [name, value] of Object.entries(headers)) {
        if (typeof value !== 'string') issues.push({ path: `headers.${name}`, expected: 'string', actual: value });
      }
    }
  }
  return issues;
};

/** The problem with the stream id a command targets, named `streamId`; `undefined` when it is valid. */
export const streamIdIssue = (streamId: unknown): ValidationIssue | undefined => {
  try {
    assertValidStreamId(streamId);
    return undefined;
  } catch (error) {
    if (!isInvalidInputError(error)) throw error;
    return error.issues[0] ?? { path: 'streamId', expected: 'stream id', actual: streamId };
  }
};
