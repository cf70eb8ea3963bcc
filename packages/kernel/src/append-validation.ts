import { InvalidInputError, type ValidationIssue, describeValue } from './errors';
import { isExpectedVersion } from './expected-version';
import type { NewEvent } from './metadata';

/** Longest stream id accepted by every adapter, in UTF-16 code units. */
export const MAX_STREAM_ID_LENGTH = 512;

/** Throws {@link InvalidInputError} unless `streamId` is a non-empty string without control characters. */
export function assertValidStreamId(streamId: unknown): asserts streamId is string {
  if (typeof streamId !== 'string') {
    throw new InvalidInputError('invalid_stream_id', `stream id must be a string, got ${describeValue(streamId)}`, [
      { path: 'streamId', expected: 'string', actual: streamId },
    ]);
  }
  if (streamId.trim().length === 0) {
    throw new InvalidInputError('empty_stream_id', 'stream id must not be empty', [
      { path: 'streamId', expected: 'non-empty string', actual: streamId },
    ]);
  }
  // eslint-disable-next-line no-control-regex
  if (streamId.length > MAX_STREAM_ID_LENGTH || /[\u0000-\u001f\u007f]/.test(streamId)) {
    throw new InvalidInputError(
      'invalid_stream_id',
      `stream id must be at most ${MAX_STREAM_ID_LENGTH} characters without control characters`,
      [{ path: 'streamId', expected: 'printable string', actual: streamId.slice(0, 80) }],
    );
  }
}

/**
 * Finds the first place where `value` holds something JSON cannot carry faithfully: bigint,
 * function, symbol, NaN/Infinity, a class instance (Date, Map...), a cycle, or `undefined` in an
 * array. `undefined` object properties are allowed (JSON drops them, as optional fields expect).
 */
export const findNonJsonValue = (value: unknown, path = ''): ValidationIssue | undefined => {
  const seen = new Set<object>();
  const walk = (v: unknown, p: string): ValidationIssue | undefined => {
    switch (typeof v) {
      case 'string':
      case 'boolean':
        return undefined;
      case 'number':
        return Number.isFinite(v) ? undefined : { path: p, expected: 'finite number', actual: v };
      case 'object': {
        if (v === null) return undefined;
        if (seen.has(v)) return { path: p, expected: 'acyclic JSON value', actual: '[cycle]' };
        const proto = Object.getPrototypeOf(v) as unknown;
        if (Array.isArray(v)) {
          seen.add(v);
          for (let i = 0; i < v.length; i++) {
            const item: unknown = v[i];
            if (item === undefined) return { path: join(p, String(i)), expected: 'JSON value', actual: undefined };
            const issue = walk(item, join(p, String(i)));
            if (issue) return issue;
          }
          seen.delete(v);
          return undefined;
        }
        if (proto !== Object.prototype && proto !== null) {
          return { path: p, expected: 'plain object', actual: Object.prototype.toString.call(v) };
        }
        seen.add(v);
        for (const [k, item] of Object.entries(v)) {
          if (item === undefined) continue;
          const issue = walk(item, join(p, k));
          if (issue) return issue;
        }
        seen.delete(v);
        return undefined;
      }
      default:
        return { path: p, expected: 'JSON value', actual: typeof v === 'bigint' ? `${v}n` : typeof v };
    }
  };
  return walk(value, path);
};

const join = (p: string, k: string): string => (p === '' ? k : `${p}.${k}`);

/** Options of {@link assertValidAppend}. */
export interface AppendLimits {
  /** Largest serialised event (data + metadata) in bytes; defaults to 8 MiB. */
  readonly maxEventBytes?: number;
}

/** Default {@link AppendLimits.maxEventBytes}. */
export const DEFAULT_MAX_EVENT_BYTES = 8 * 1024 * 1024;

/**
 * Checks one append request before anything is written: stream id, expected version, a non-empty
 * batch, every event an object with a string `type`, JSON-serialisable data and metadata, metadata
 * ids present, event ids unique within the batch, size within limits. Throws
 * {@link InvalidInputError}; returns the serialised sizes for adapters that want them.
 */
export const assertValidAppend = (
  streamId: unknown,
  events: unknown,
  expectedVersion: unknown,
  limits: AppendLimits = {},
): void => {
  assertValidStreamId(streamId);
  if (expectedVersion !== undefined && !isExpectedVersion(expectedVersion)) {
    throw new InvalidInputError(
      'invalid_expected_version',
      `expectedVersion must be 'any', 'no_stream', 'stream_exists' or a bigint >= 0n, got ${describeValue(expectedVersion)}`,
      [{ path: 'expectedVersion', expected: 'ExpectedVersion', actual: expectedVersion }],
    );
  }
  if (!Array.isArray(events) || events.length === 0) {
    throw new InvalidInputError('empty_append', 'an append needs at least one event', [
      { path: 'events', expected: 'non-empty array', actual: events },
    ]);
  }
  const maxBytes = limits.maxEventBytes ?? DEFAULT_MAX_EVENT_BYTES;
  const ids = new Set<string>();
  (events as ReadonlyArray<unknown>).forEach((candidate, i) => {
    const at = `events.${i}`;
    const fail = (code: string, message: string, issue: ValidationIssue): never => {
      throw new InvalidInputError(code, `${at}: ${message}`, [issue]);
    };
    if (typeof candidate !== 'object' || candidate === null) {
      fail('invalid_event', 'expected { event, metadata }', { path: at, expected: 'NewEvent', actual: candidate });
    }
    const { event, metadata } = candidate as Partial<NewEvent>;
    if (typeof event !== 'object' || event === null || typeof event.type !== 'string' || event.type.length === 0) {
      fail('invalid_event', 'event must be an object with a non-empty string type', {
        path: `${at}.event.type`,
        expected: 'non-empty string',
        actual: (event as { type?: unknown } | undefined)?.type,
      });
    }
    if (typeof metadata !== 'object' || metadata === null) {
      fail('invalid_metadata', 'metadata is required', {
        path: `${at}.metadata`,
        expected: 'EventMetadata',
        actual: metadata,
      });
    }
    const m = metadata as NewEvent['metadata'];
    for (const field of ['eventId', 'correlationId', 'causationId', 'occurredAt'] as const) {
      if (typeof m[field] !== 'string' || m[field].length === 0) {
        fail('invalid_metadata', `metadata.${field} must be a non-empty string`, {
          path: `${at}.metadata.${field}`,
          expected: 'non-empty string',
          actual: m[field],
        });
      }
    }
    if (ids.has(m.eventId)) {
      fail('duplicate_event_id', `event id '${m.eventId}' appears twice in one append`, {
        path: `${at}.metadata.eventId`,
        expected: 'unique event id',
        actual: m.eventId,
      });
    }
    ids.add(m.eventId);
    const dataIssue = findNonJsonValue(event, `${at}.event`) ?? findNonJsonValue(metadata, `${at}.metadata`);
    if (dataIssue) {
      fail(
        'not_serialisable',
        `${dataIssue.path} cannot be stored as JSON (expected ${dataIssue.expected})`,
        dataIssue,
      );
    }
    const bytes = byteLength(JSON.stringify(event)) + byteLength(JSON.stringify(metadata));
    if (bytes > maxBytes) {
      fail('event_too_large', `event is ${bytes} bytes, the limit is ${maxBytes}`, {
        path: at,
        expected: `at most ${maxBytes} bytes`,
        actual: `${bytes} bytes`,
      });
    }
  });
};

/** UTF-8 byte length of a string, without Buffer (the kernel runs anywhere). */
export const byteLength = (s: string): number => {
  let bytes = 0;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c < 0x80) bytes += 1;
    else if (c < 0x800) bytes += 2;
    else if (c >= 0xd800 && c <= 0xdbff) {
      bytes += 4;
      i++;
    } else bytes += 3;
  }
  return bytes;
};
