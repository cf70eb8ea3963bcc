import * as E from 'fp-ts/Either';
import { InvalidInputError, type ValidationIssue, describeValue } from '../model/errors';
import { isExpectedVersion } from './expected-version';
import { type EventMetadata, EventMetadataCodec } from '../model/event-metadata';
import { type NewEvent } from './recorded-event';
import { toValidationIssues } from '../model/validation';

/** Longest stream id accepted by every adapter, in UTF-16 code units. */
export const MAX_STREAM_ID_LENGTH = 512;

/** Throws {@link InvalidInputError} unless `streamId` is a non-empty string without control characters. */
export function assertValidStreamId(streamId: unknown): asserts streamId is string {
  if (typeof streamId === 'string' && isPlainAsciiStreamId(streamId)) return;
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
 * The common case, checked without regex or trimming: 1 to {@link MAX_STREAM_ID_LENGTH} printable
 * ASCII characters, no space. Anything else (spaces, non-ASCII) takes the full check.
 */
const isPlainAsciiStreamId = (s: string): boolean => {
  const n = s.length;
  if (n === 0 || n > MAX_STREAM_ID_LENGTH) return false;
  for (let i = 0; i < n; i++) {
    const c = s.charCodeAt(i);
    if (c <= 0x20 || c >= 0x7f) return false;
  }
  return true;
};

/**
 * Finds the first place where `value` holds something JSON cannot carry faithfully: bigint,
 * function, symbol, NaN/Infinity, a class instance (Date, Map...), a cycle, or `undefined` in an
 * array. `undefined` object properties are allowed (JSON drops them, as optional fields expect).
 */
export const findNonJsonValue = (value: unknown, path = ''): ValidationIssue | undefined => {
  const walk: JsonWalk = { ancestors: [], keys: [], bound: 0 };
  const issue = walkJson(value, walk);
  return issue === undefined ? undefined : { ...issue, path: pathOf(path, walk.keys) };
};

/**
 * State of one walk over a value. Kept in one object instead of closures, and the failing path is
 * only rendered on failure: validation runs on every append, so its happy path must allocate
 * little. `bound` accumulates an upper bound of the value's UTF-8 JSON size.
 */
interface JsonWalk {
  /** Objects and arrays on the path from the root: meeting one again is a cycle. */
  readonly ancestors: object[];
  /** Keys from the root to the current value; left pointing at the offender on failure. */
  readonly keys: Array<string | number>;
  bound: number;
}

/** Where a walk failed: everything but the path, which {@link pathOf} renders from the keys. */
type JsonIssue = Omit<ValidationIssue, 'path'>;

const pathOf = (prefix: string, keys: ReadonlyArray<string | number>): string => {
  let path = prefix;
  for (const key of keys) path = path === '' ? String(key) : `${path}.${key}`;
  return path;
};

// Upper bounds of serialised sizes. A UTF-16 unit never takes more than 6 bytes in JSON (`\u001f`
// or an escaped lone surrogate; a surrogate pair is 4 bytes for 2 units); a number prints in at
// most 25 characters.
const STRING_UNIT_BOUND = 6;
const NUMBER_BOUND = 25;

const walkJson = (v: unknown, w: JsonWalk): JsonIssue | undefined => {
  switch (typeof v) {
    case 'string':
      w.bound += STRING_UNIT_BOUND * v.length + 2;
      return undefined;
    case 'boolean':
      w.bound += 5;
      return undefined;
    case 'number':
      w.bound += NUMBER_BOUND;
      return Number.isFinite(v) ? undefined : { expected: 'finite number', actual: v };
    case 'object': {
      if (v === null) {
        w.bound += 4;
        return undefined;
      }
      if (w.ancestors.includes(v)) return { expected: 'acyclic JSON value', actual: '[cycle]' };
      if (Array.isArray(v)) {
        w.ancestors.push(v);
        w.bound += 2 + v.length;
        for (let i = 0; i < v.length; i++) {
          const item: unknown = v[i];
          w.keys.push(i);
          if (item === undefined) return { expected: 'JSON value', actual: undefined };
          const issue = walkJson(item, w);
          if (issue) return issue;
          w.keys.pop();
        }
        w.ancestors.pop();
        return undefined;
      }
      const proto = Object.getPrototypeOf(v) as unknown;
      if (proto !== Object.prototype && proto !== null) {
        return { expected: 'plain object', actual: Object.prototype.toString.call(v) };
      }
      w.ancestors.push(v);
      w.bound += 2;
      const record = v as Record<string, unknown>;
      const keys = Object.keys(record);
      for (let i = 0; i < keys.length; i++) {
        const k = keys[i]!;
        const item = record[k];
        if (item === undefined) continue;
        w.bound += STRING_UNIT_BOUND * k.length + 4;
        w.keys.push(k);
        const issue = walkJson(item, w);
        if (issue) return issue;
        w.keys.pop();
      }
      w.ancestors.pop();
      return undefined;
    }
    default:
      return { expected: 'JSON value', actual: typeof v === 'bigint' ? `${v}n` : typeof v };
  }
};

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
 * {@link InvalidInputError}.
 */
export const assertValidAppend = (
  streamId: unknown,
  events: unknown,
  expectedVersion: unknown,
  limits: AppendLimits = {},
): void => {
  validateAppend(streamId, events, expectedVersion, limits, false);
};

/**
 * Validates an append exactly as {@link assertValidAppend} does (same checks, same errors) and
 * answers deep-frozen copies of its events' data and metadata, made in the same walk as the JSON
 * checks. In-process stores keep such copies: a caller that later mutates what it appended cannot
 * reach them, and one that mutates what it read gets a TypeError. Like JSON, the copies drop
 * object properties holding `undefined`. The answered `{ event, metadata }` pairs are new,
 * unfrozen objects. The checks run on the copies, so what is answered is what was checked, even
 * when the input has accessors that answer differently each time they are read.
 *
 * When `idHashes` is given, `idHashes[i]` receives {@link hashEventId} of event i's id (computed
 * anyway to find ids repeated in the batch), so a store that indexes ids by that hash need not
 * hash them again.
 */
export const frozenValidAppend = <E extends { readonly type: string }>(
  streamId: unknown,
  events: ReadonlyArray<NewEvent<E>>,
  expectedVersion: unknown,
  limits: AppendLimits = {},
  idHashes?: number[],
): NewEvent<E>[] => validateAppend(streamId, events, expectedVersion, limits, true, idHashes) as NewEvent<E>[];

/**
 * A 32-bit hash of an event id (any string): two interleaved FNV-1a lanes over the UTF-16 code
 * units, which halves the chain of dependent multiplications, then murmur3's finaliser so that
 * ids differing only in their last characters (`evt-0001`, `evt-0002`) spread over a whole
 * table. Deterministic; not for security.
 */
export const hashEventId = (id: string): number => {
  const n = id.length;
  let a = 0x811c9dc5;
  let b = 0x050c5d1f ^ n;
  let i = 0;
  for (; i + 1 < n; i += 2) {
    a = Math.imul(a ^ id.charCodeAt(i), 0x01000193);
    b = Math.imul(b ^ id.charCodeAt(i + 1), 0x01000193);
  }
  if (i < n) a = Math.imul(a ^ id.charCodeAt(i), 0x01000193);
  let h = a ^ Math.imul(b, 0x9e3779b1);
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  return h ^ (h >>> 16);
};

/**
 * Both of the above. Each event first takes the quick path: one walk over its event and its
 * metadata (each read once from the input) that checks JSON safety, bounds the size and (with
 * `copy`) builds the frozen copies, allocating nothing else; then the shape checks on what the
 * walk answered. Anything the quick path does not accept, including values it merely finds
 * unusual (very deep ones), sends the whole append through {@link checkAllEvents}, which names
 * the first problem in the documented order.
 */
const validateAppend = (
  streamId: unknown,
  events: unknown,
  expectedVersion: unknown,
  limits: AppendLimits,
  copy: boolean,
  idHashes?: number[],
): NewEvent[] | undefined => {
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
  // The quick walk lists keys with for-in and no own-property check, so it runs only while
  // Object.prototype has nothing enumerable (checked again at the end: an accessor in the input
  // might have added something meanwhile).
  if (prototypeIsPolluted()) return checkAllEvents(events, maxBytes, copy, idHashes);
  const n = events.length;
  // A single event has no id to repeat.
  const seen = n > 1 ? newIdTable(n) : undefined;
  const copies = copy ? new Array<NewEvent>(n) : undefined;
  const size: SizeBound = { bound: 0 };
  for (let i = 0; i < n; i++) {
    const candidate: unknown = events[i];
    if (typeof candidate !== 'object' || candidate === null) return checkAllEvents(events, maxBytes, copy, idHashes);
    const input = candidate as Partial<NewEvent>;
    size.bound = 0;
    const event = quickWalk(input.event, 0, size, copy);
    if (event === NOT_JSON || !hasEventType(event)) return checkAllEvents(events, maxBytes, copy, idHashes);
    const metadata = quickWalk(input.metadata, 0, size, copy);
    if (metadata === NOT_JSON || !hasMetadataShape(metadata)) return checkAllEvents(events, maxBytes, copy, idHashes);
    // The shape and JSON checks of this event passed: what is left, in order, are these two.
    const eventId = metadata.eventId;
    const hash = hashEventId(eventId);
    if (idHashes !== undefined) idHashes[i] = hash;
    if (seen !== undefined && !seen.add(eventId, hash)) duplicateInBatch(i, eventId);
    if (size.bound > maxBytes) checkSize(event, metadata, i, maxBytes);
    if (copies !== undefined) copies[i] = { event, metadata };
  }
  return prototypeIsPolluted() ? checkAllEvents(events, maxBytes, copy, idHashes) : copies;
};

/**
 * True when `Object.prototype` has an enumerable property, which for-in would list for every plain
 * object. Nothing in a sane process adds one; a prototype-pollution attack does.
 */
const prototypeIsPolluted = (): boolean => {
  for (const _ in Object.prototype) return true;
  return false;
};

/** The ids of one append so far, to find a repeated one. */
interface IdTable {
  /** Adds `id` (whose {@link hashEventId} is `hash`); false when it is already there. */
  add(id: string, hash: number): boolean;
}

/**
 * An {@link IdTable} for up to `n` ids: open addressing over an `Int32Array` of (hash, index + 1)
 * pairs at most half full, the ids themselves in an array. Cheaper than a `Set`, and it uses the
 * hash the caller wants anyway.
 */
const newIdTable = (n: number): IdTable => {
  let slots = 4;
  while (slots < 2 * n) slots *= 2;
  const mask = slots - 1;
  const table = new Int32Array(2 * slots);
  const ids = new Array<string>(n);
  let count = 0;
  return {
    add: (id, hash) => {
      let slot = hash & mask;
      for (let stored = table[2 * slot + 1]!; stored !== 0; stored = table[2 * slot + 1]!) {
        if (table[2 * slot] === hash && ids[stored - 1] === id) return false;
        slot = (slot + 1) & mask;
      }
      ids[count] = id;
      table[2 * slot] = hash;
      table[2 * slot + 1] = ++count;
      return true;
    },
  };
};

/**
 * The slow way: every check of every event in order, then (with `copy`) the copies, checked
 * again: they are what gets stored, and an accessor or a proxy in the input may have answered the
 * second read differently.
 */
const checkAllEvents = (
  events: ReadonlyArray<unknown>,
  maxBytes: number,
  copy: boolean,
  idHashes: number[] | undefined,
): NewEvent[] | undefined => {
  checkEventsInOrder(events, maxBytes);
  if (!copy) return undefined;
  const copies = (events as ReadonlyArray<NewEvent>).map(({ event, metadata }) => ({
    event: frozenJsonCopy(event),
    metadata: frozenJsonCopy(metadata),
  }));
  checkEventsInOrder(copies, maxBytes);
  if (idHashes !== undefined) copies.forEach(({ metadata }, i) => (idHashes[i] = hashEventId(metadata.eventId)));
  return copies;
};

const checkEventsInOrder = (events: ReadonlyArray<unknown>, maxBytes: number): void => {
  const ids = events.length > 1 ? new Set<string>() : undefined;
  for (let i = 0; i < events.length; i++) checkEvent(events[i], i, ids, maxBytes);
};

/** The event check of the quick path, on what the walk answered. */
const hasEventType = (event: unknown): event is NewEvent['event'] => {
  if (typeof event !== 'object' || event === null) return false;
  const type = (event as { type?: unknown }).type;
  return typeof type === 'string' && type.length > 0 && !Array.isArray(event);
};

/** The metadata checks of the quick path, on what the walk answered. */
const hasMetadataShape = (metadata: unknown): metadata is EventMetadata => {
  if (typeof metadata !== 'object' || metadata === null) return false;
  const m = metadata as Partial<EventMetadata>;
  return (
    isNonEmptyString(m.eventId) &&
    isNonEmptyString(m.correlationId) &&
    isNonEmptyString(m.causationId) &&
    isNonEmptyString(m.occurredAt) &&
    !Array.isArray(metadata) &&
    optionalMetadataLooksValid(m as EventMetadata)
  );
};

const isNonEmptyString = (v: unknown): boolean => typeof v === 'string' && v.length > 0;

/** The size bound a {@link quickWalk} accumulates (an object, so that the walk returns the copy). */
interface SizeBound {
  bound: number;
}

/** What {@link quickWalk} answers for a value it does not accept. */
const NOT_JSON: unique symbol = Symbol('not JSON');

/**
 * Deepest nesting {@link quickWalk} follows. It keeps no ancestors, so a cycle shows up as nesting
 * past this depth; such values (cyclic or merely deep) take the full walk, which tells them apart.
 */
const QUICK_WALK_DEPTH = 64;

const hasOwn = Object.prototype.hasOwnProperty;

/**
 * {@link walkJson}'s checks and size bound without paths or ancestors. Answers {@link NOT_JSON}
 * when the value is not JSON-safe or nests deeper than {@link QUICK_WALK_DEPTH}; otherwise the
 * frozen copy with `copy`, the value itself without. Adds the value's size bound to `size`.
 */
const quickWalk = (v: unknown, depth: number, size: SizeBound, copy: boolean): unknown => {
  switch (typeof v) {
    case 'string':
      size.bound += STRING_UNIT_BOUND * v.length + 2;
      return v;
    case 'boolean':
      size.bound += 5;
      return v;
    case 'number':
      size.bound += NUMBER_BOUND;
      return Number.isFinite(v) ? v : NOT_JSON;
    case 'object': {
      if (v === null) {
        size.bound += 4;
        return v;
      }
      if (depth >= QUICK_WALK_DEPTH) return NOT_JSON;
      if (Array.isArray(v)) {
        size.bound += 2 + v.length;
        const out = copy ? new Array<unknown>(v.length) : undefined;
        for (let i = 0; i < v.length; i++) {
          const item: unknown = v[i];
          const walked = item === undefined ? NOT_JSON : quickWalk(item, depth + 1, size, copy);
          if (walked === NOT_JSON) return NOT_JSON;
          if (out !== undefined) out[i] = walked;
        }
        return out === undefined ? v : Object.freeze(out);
      }
      const proto = Object.getPrototypeOf(v) as unknown;
      if (proto !== Object.prototype && proto !== null) return NOT_JSON;
      const record = v as Record<string, unknown>;
      const out: Record<string, unknown> | undefined = copy ? {} : undefined;
      size.bound += 2;
      // for-in walks the enum cache without allocating a key array (Object.keys would, per object
      // and per append). It lists own keys only: the prototype is Object.prototype or null, and
      // validateAppend takes this walk only while Object.prototype has nothing enumerable.
      for (const k in record) {
        const item = record[k];
        if (item === undefined) continue;
        size.bound += STRING_UNIT_BOUND * k.length + 4;
        // Strings, the commonest leaves (every metadata field), without a call.
        let walked: unknown = item;
        if (typeof item === 'string') size.bound += STRING_UNIT_BOUND * item.length + 2;
        else if ((walked = quickWalk(item, depth + 1, size, copy)) === NOT_JSON) return NOT_JSON;
        if (out !== undefined) setCopied(out, k, walked);
      }
      return out === undefined ? v : Object.freeze(out);
    }
    default:
      return NOT_JSON;
  }
};

const REQUIRED_METADATA = ['eventId', 'correlationId', 'causationId', 'occurredAt'] as const;

const failEvent = (at: string, code: string, message: string, issue: ValidationIssue): never => {
  throw new InvalidInputError(code, `${at}: ${message}`, [issue]);
};

const duplicateInBatch = (i: number, eventId: string): never =>
  failEvent(`events.${i}`, 'duplicate_event_id', `event id '${eventId}' appears twice in one append`, {
    path: `events.${i}.metadata.eventId`,
    expected: 'unique event id',
    actual: eventId,
  });

/** The exact size check, for an event whose size bound is above the limit. */
const checkSize = (event: unknown, metadata: unknown, i: number, maxBytes: number): void => {
  // The bound is never below the real size, so only a possibly oversized event pays for the
  // exact measure (serialise, count UTF-8 bytes).
  const bytes = byteLength(JSON.stringify(event)) + byteLength(JSON.stringify(metadata));
  if (bytes > maxBytes) {
    failEvent(`events.${i}`, 'event_too_large', `event is ${bytes} bytes, the limit is ${maxBytes}`, {
      path: `events.${i}`,
      expected: `at most ${maxBytes} bytes`,
      actual: `${bytes} bytes`,
    });
  }
};

/** Every check of one event, in the documented order, throwing on the first problem. */
const checkEvent = (candidate: unknown, i: number, ids: Set<string> | undefined, maxBytes: number): void => {
  if (typeof candidate !== 'object' || candidate === null) {
    failEvent(`events.${i}`, 'invalid_event', 'expected { event, metadata }', {
      path: `events.${i}`,
      expected: 'NewEvent',
      actual: candidate,
    });
  }
  const { event, metadata } = candidate as Partial<NewEvent>;
  // An array is an object, but JSON keeps only its items: a `type` property would be lost.
  if (Array.isArray(event)) {
    failEvent(`events.${i}`, 'invalid_event', 'event must be an object, not an array', {
      path: `events.${i}.event`,
      expected: 'object',
      actual: event,
    });
  }
  if (typeof event !== 'object' || event === null || typeof event.type !== 'string' || event.type.length === 0) {
    failEvent(`events.${i}`, 'invalid_event', 'event must be an object with a non-empty string type', {
      path: `events.${i}.event.type`,
      expected: 'non-empty string',
      actual: (event as { type?: unknown } | undefined)?.type,
    });
  }
  if (typeof metadata !== 'object' || metadata === null || Array.isArray(metadata)) {
    failEvent(`events.${i}`, 'invalid_metadata', 'metadata is required (an object)', {
      path: `events.${i}.metadata`,
      expected: 'EventMetadata',
      actual: metadata,
    });
  }
  const m = metadata as NewEvent['metadata'];
  for (const field of REQUIRED_METADATA) {
    if (typeof m[field] !== 'string' || m[field].length === 0) {
      failEvent(`events.${i}`, 'invalid_metadata', `metadata.${field} must be a non-empty string`, {
        path: `events.${i}.metadata.${field}`,
        expected: 'non-empty string',
        actual: m[field],
      });
    }
  }
  // The optional fields too: a header that is not a string would make every later read fail.
  if (!optionalMetadataLooksValid(m)) {
    const metadataIssue = optionalMetadataIssue(m, `events.${i}.metadata`);
    if (metadataIssue) {
      failEvent(
        `events.${i}`,
        'invalid_metadata',
        `${metadataIssue.path} must be ${metadataIssue.expected}`,
        metadataIssue,
      );
    }
  }
  if (ids !== undefined) {
    if (ids.has(m.eventId)) duplicateInBatch(i, m.eventId);
    ids.add(m.eventId);
  }
  const walk: JsonWalk = { ancestors: [], keys: [], bound: 0 };
  let issue = walkJson(event, walk);
  let part = 'event';
  if (issue === undefined) {
    walk.keys.length = 0;
    part = 'metadata';
    issue = walkJson(metadata, walk);
  }
  if (issue !== undefined) {
    const dataIssue: ValidationIssue = { ...issue, path: pathOf(`events.${i}.${part}`, walk.keys) };
    failEvent(
      `events.${i}`,
      'not_serialisable',
      `${dataIssue.path} cannot be stored as JSON (expected ${dataIssue.expected})`,
      dataIssue,
    );
  }
  if (walk.bound > maxBytes) checkSize(event, metadata, i, maxBytes);
};

/**
 * Deep-copies a JSON value and freezes the copy (arrays and objects at every level). The value
 * must already be known JSON-safe ({@link findNonJsonValue}). Like JSON, the copy drops object
 * properties holding `undefined`; an own `__proto__` key stays a plain data property.
 */
export const frozenJsonCopy = <T>(value: T): T => copyValue(value) as T;

const copyValue = (value: unknown): unknown => {
  if (typeof value !== 'object' || value === null) return value;
  if (Array.isArray(value)) {
    const out = new Array<unknown>(value.length);
    for (let i = 0; i < value.length; i++) out[i] = copyValue(value[i]);
    return Object.freeze(out);
  }
  const source = value as Record<string, unknown>;
  const out: Record<string, unknown> = {};
  for (const key in source) {
    if (!hasOwn.call(source, key)) continue;
    const item = source[key];
    if (item !== undefined) setCopied(out, key, copyValue(item));
  }
  return Object.freeze(out);
};

/** Sets a key of a fresh copy. An own `__proto__` key (JSON.parse makes them) must stay data. */
const setCopied = (out: Record<string, unknown>, key: string, item: unknown): void => {
  if (key === '__proto__') {
    Object.defineProperty(out, key, { value: item, enumerable: true, writable: true, configurable: true });
  } else out[key] = item;
};

/**
 * A fast pre-check of the optional metadata fields: when it answers true, {@link
 * optionalMetadataIssue} would find nothing, so the codec only runs on suspicious metadata.
 */
const optionalMetadataLooksValid = (m: NewEvent['metadata']): boolean => {
  if (m.tenantId !== undefined && typeof m.tenantId !== 'string') return false;
  if (m.traceparent !== undefined && typeof m.traceparent !== 'string') return false;
  if (m.commandId !== undefined && typeof m.commandId !== 'string') return false;
  const version: unknown = m.schemaVersion;
  if (version !== undefined && !(Number.isInteger(version) && (version as number) >= 1)) return false;
  const headers: unknown = m.headers;
  if (headers === undefined) return true;
  if (Object.prototype.toString.call(headers) !== '[object Object]') return false;
  const record = headers as Record<string, unknown>;
  for (const key in record) if (typeof record[key] !== 'string') return false;
  return true;
};

/** The first problem with the optional metadata fields, checked against {@link EventMetadataCodec}. */
const optionalMetadataIssue = (metadata: unknown, path: string): ValidationIssue | undefined => {
  const decoded = EventMetadataCodec.decode(metadata);
  if (E.isLeft(decoded)) {
    const issue = toValidationIssues(decoded.left)[0];
    if (issue !== undefined) return { ...issue, path: pathOf(path, issue.path === '' ? [] : [issue.path]) };
  }
  const version = (metadata as { schemaVersion?: unknown }).schemaVersion;
  if (version !== undefined && !(Number.isInteger(version) && (version as number) >= 1)) {
    return { path: pathOf(path, ['schemaVersion']), expected: 'an integer >= 1', actual: version };
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
