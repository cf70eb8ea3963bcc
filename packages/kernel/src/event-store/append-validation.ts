/**
 * The one append validation. Every adapter calls {@link assertValidAppend} before it writes, so
 * the same input gets the same verdict (the same {@link InvalidInputError} code and issue path)
 * from each. The rules, checked in this order, the first broken one thrown:
 *
 *  1. the stream id is a string (`invalid_stream_id`), not blank (`empty_stream_id`), of at most
 *     {@link MAX_STREAM_ID_LENGTH} units without control characters (`invalid_stream_id`);
 *  2. the expected version is absent, `'any'`, `'no_stream'`, `'stream_exists'` or a bigint
 *     >= 0n (`invalid_expected_version`, path `expectedVersion`);
 *  3. the batch is a non-empty array (`empty_append`, path `events`);
 *
 * then for each event `i`, in batch order (all rules of event i before any of event i + 1), after
 * one walk over its `event` and its `metadata` that reads every property once and builds their
 * frozen copies (the checks below run on those copies, see `json-walk.ts`):
 *
 *  4. the entry is an object (`invalid_event`, path `events.i`);
 *  5. its `event` is not an array (`invalid_event`, `events.i.event`): JSON would keep only the
 *     items of an array, and lose a `type` property;
 *  6. its `event` is an object with a non-empty string `type` (`invalid_event`, `events.i.event.type`);
 *  7. its `metadata` is an object, not an array (`invalid_metadata`, `events.i.metadata`);
 *  8. `eventId`, `correlationId`, `causationId`, `occurredAt` are non-empty strings, in that order
 *     (`invalid_metadata`, `events.i.metadata.<field>`);
 *  9. the optional metadata fields (`tenantId`, `traceparent`, `schemaVersion`, `commandId`,
 *     `headers`) match {@link EventMetadataCodec}, and `schemaVersion` is an integer >= 1
 *     (`invalid_metadata`, `events.i.metadata.<field>`);
 * 10. the event id does not appear earlier in the batch (`duplicate_event_id`,
 *     `events.i.metadata.eventId`);
 * 11. event and metadata are JSON-safe: no bigint, function, symbol, NaN or Infinity, class
 *     instance (Date, Map...; any prototype but `Object.prototype` and `null`), cycle, or
 *     `undefined` in an array (`not_serialisable`, `events.i.event.<path>` or
 *     `events.i.metadata.<path>`, the first offender, event before metadata);
 * 12. the serialised event and metadata together take at most `maxEventBytes` UTF-8 bytes,
 *     8 MiB by default (`event_too_large`, `events.i`).
 */
import * as E from 'fp-ts/Either';
import { InvalidInputError, type ValidationIssue, describeValue } from '../model/errors';
import { type EventMetadata, EventMetadataCodec } from '../model/event-metadata';
import { toValidationIssues } from '../model/validation';
import { isExpectedVersion } from './expected-version';
import { type JsonWalk, newJsonWalk, pathOf, restartJsonWalk, walkJson } from './json-walk';
import type { NewEvent } from './recorded-event';

/** Longest stream id accepted by every adapter, in UTF-16 code units. */
export const MAX_STREAM_ID_LENGTH = 512;

/** Throws {@link InvalidInputError} unless `streamId` is a non-empty string without control characters (rule 1). */
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

/** Limits of {@link assertValidAppend}. */
export interface AppendLimits {
  /** Largest serialised event (data + metadata) in bytes; defaults to 8 MiB. */
  readonly maxEventBytes?: number;
}

/** Default {@link AppendLimits.maxEventBytes}. */
export const DEFAULT_MAX_EVENT_BYTES = 8 * 1024 * 1024;

/**
 * Checks one append request before anything is written (the rules at the top of this module)
 * and throws {@link InvalidInputError} naming the first problem. Answers the events as checked:
 * new `{ event, metadata }` pairs holding deep-frozen copies of each event and its metadata,
 * made in the same walk as the checks. A store may keep those copies: every property of the
 * input was read once, so they are exactly what was checked (even when the input has accessors
 * that answer differently on each read), and a caller that later mutates what it appended cannot
 * reach them. Like JSON, the copies drop object properties holding `undefined`.
 */
export const assertValidAppend = <E extends { readonly type: string } = { readonly type: string }>(
  streamId: unknown,
  events: unknown,
  expectedVersion: unknown,
  limits: AppendLimits = {},
): NewEvent<E>[] => {
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
  // A single event has no id to repeat.
  const ids = events.length > 1 ? new Set<string>() : undefined;
  const walk = newJsonWalk(true);
  const checked = new Array<NewEvent<E>>(events.length);
  for (let i = 0; i < events.length; i++) {
    checked[i] = checkEvent(events[i], i, walk, ids, maxBytes) as NewEvent<E>;
  }
  return checked;
};

/** Rules 4 to 12 for the event at index `i`; answers its checked copies. */
const checkEvent = (
  candidate: unknown,
  i: number,
  walk: JsonWalk,
  ids: Set<string> | undefined,
  maxBytes: number,
): NewEvent => {
  if (typeof candidate !== 'object' || candidate === null) {
    fail(i, 'invalid_event', 'expected { event, metadata }', { path: '', expected: 'NewEvent', actual: candidate });
  }
  const input = candidate as Partial<NewEvent>;
  restartJsonWalk(walk, 'event');
  const event = walkJson(input.event, walk);
  walk.root = 'metadata';
  const metadata = walkJson(input.metadata, walk);
  if (Array.isArray(event)) {
    fail(i, 'invalid_event', 'event must be an object, not an array', {
      path: 'event',
      expected: 'object',
      actual: event,
    });
  }
  const type = typeof event === 'object' && event !== null ? own(event, 'type') : undefined;
  if (typeof type !== 'string' || type.length === 0) {
    fail(i, 'invalid_event', 'event must be an object with a non-empty string type', {
      path: 'event.type',
      expected: 'non-empty string',
      actual: type,
    });
  }
  if (typeof metadata !== 'object' || metadata === null || Array.isArray(metadata)) {
    fail(i, 'invalid_metadata', 'metadata is required (an object)', {
      path: 'metadata',
      expected: 'EventMetadata',
      actual: metadata,
    });
  }
  const m = metadata as EventMetadata;
  const blank = blankRequiredField(m);
  if (blank !== undefined) {
    fail(i, 'invalid_metadata', `metadata.${blank} must be a non-empty string`, {
      path: `metadata.${blank}`,
      expected: 'non-empty string',
      actual: own(m, blank),
    });
  }
  const optional = optionalMetadataIssue(m);
  if (optional !== undefined) {
    fail(i, 'invalid_metadata', `events.${i}.${optional.path} must be ${optional.expected}`, optional);
  }
  // `add` answers the set, whose size did not grow when the id was already in it.
  if (ids !== undefined && ids.size === ids.add(m.eventId).size) {
    fail(i, 'duplicate_event_id', `event id '${m.eventId}' appears twice in one append`, {
      path: 'metadata.eventId',
      expected: 'unique event id',
      actual: m.eventId,
    });
  }
  const issue = walk.issue;
  if (issue !== undefined) {
    const path = pathOf(`events.${i}`, issue.keys);
    fail(i, 'not_serialisable', `${path} cannot be stored as JSON (expected ${issue.expected})`, {
      path: pathOf('', issue.keys),
      expected: issue.expected,
      actual: issue.actual,
    });
  }
  // The bound is never below the real size, so only a possibly oversized event pays for the
  // exact measure (serialise, count UTF-8 bytes).
  if (walk.bound > maxBytes) {
    const bytes = byteLength(JSON.stringify(event)) + byteLength(JSON.stringify(metadata));
    if (bytes > maxBytes) {
      fail(i, 'event_too_large', `event is ${bytes} bytes, the limit is ${maxBytes}`, {
        path: '',
        expected: `at most ${maxBytes} bytes`,
        actual: `${bytes} bytes`,
      });
    }
  }
  return { event: event as NewEvent['event'], metadata: m };
};

/** Rule 8: the first required metadata field that is not a non-empty string, in the documented order. */
const blankRequiredField = (m: EventMetadata): keyof EventMetadata | undefined => {
  if (!isNonEmptyString(own(m, 'eventId'))) return 'eventId';
  if (!isNonEmptyString(own(m, 'correlationId'))) return 'correlationId';
  if (!isNonEmptyString(own(m, 'causationId'))) return 'causationId';
  if (!isNonEmptyString(own(m, 'occurredAt'))) return 'occurredAt';
  return undefined;
};

const hasOwn = Object.prototype.hasOwnProperty;

/**
 * The own value of `key`, never an inherited one: the copies hold only own properties, so a
 * field found on a polluted `Object.prototype` (an `eventId`, a `type`) would pass the check and
 * then be missing from what is stored.
 */
const own = (value: object, key: string): unknown =>
  hasOwn.call(value, key) ? (value as Record<string, unknown>)[key] : undefined;

const isNonEmptyString = (value: unknown): boolean => typeof value === 'string' && value.length > 0;

/**
 * Throws the problem of event `i`: `issue.path` is relative to the event (`''`, `metadata.eventId`)
 * and becomes `events.i...`; the message starts with `events.i: `.
 */
const fail = (i: number, code: string, message: string, issue: ValidationIssue): never => {
  const at = `events.${i}`;
  throw new InvalidInputError(code, `${at}: ${message}`, [
    { ...issue, path: pathOf(at, issue.path === '' ? [] : [issue.path]) },
  ]);
};

/**
 * Rule 9: the first problem with the optional metadata fields, its path relative to the event
 * (`metadata.headers.x`). With none of them set there is nothing to check: rules 7 and 8 already
 * hold, and the codec asks nothing more of the required fields.
 */
const optionalMetadataIssue = (m: EventMetadata): ValidationIssue | undefined => {
  const tenantId = own(m, 'tenantId');
  const traceparent = own(m, 'traceparent');
  const schemaVersion = own(m, 'schemaVersion');
  const commandId = own(m, 'commandId');
  const headers = own(m, 'headers');
  if (
    tenantId === undefined &&
    traceparent === undefined &&
    schemaVersion === undefined &&
    commandId === undefined &&
    headers === undefined
  ) {
    return undefined;
  }
  // The codec sees the own fields it knows and nothing else: io-ts merges an intersection's
  // outputs with `for...in` and assignment, so an own `__proto__` key of the metadata would become
  // the merged object's prototype (a frozen copy) and the next assignment would throw a TypeError.
  const decoded = EventMetadataCodec.decode({
    eventId: m.eventId,
    correlationId: m.correlationId,
    causationId: m.causationId,
    occurredAt: m.occurredAt,
    tenantId,
    traceparent,
    schemaVersion,
    commandId,
    headers,
  });
  if (E.isLeft(decoded)) {
    const issue = toValidationIssues(decoded.left)[0];
    if (issue !== undefined) return { ...issue, path: pathOf('metadata', issue.path === '' ? [] : [issue.path]) };
  }
  if (schemaVersion !== undefined && !(Number.isInteger(schemaVersion) && (schemaVersion as number) >= 1)) {
    return { path: 'metadata.schemaVersion', expected: 'an integer >= 1', actual: schemaVersion };
  }
  return undefined;
};

/** UTF-8 byte length of a string, without Buffer (the kernel runs anywhere). */
export const byteLength = (s: string): number => {
  let bytes = 0;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c < 0x80) bytes += 1;
    else if (c < 0x800) bytes += 2;
    else if (c >= 0xd800 && c <= 0xdbff && isLowSurrogate(s.charCodeAt(i + 1))) {
      // A surrogate pair is one code point of 4 bytes. A lone surrogate is encoded as U+FFFD
      // (3 bytes), as TextEncoder and Buffer do.
      bytes += 4;
      i++;
    } else bytes += 3;
  }
  return bytes;
};

const isLowSurrogate = (c: number): boolean => c >= 0xdc00 && c <= 0xdfff;
