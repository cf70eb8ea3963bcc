import type { AnyEvent, NewEvent } from '@ordo/kernel';
import {
  type AppendLimits,
  DEFAULT_MAX_EVENT_BYTES,
  assertValidAppend,
  assertValidStreamId,
  isExpectedVersion,
} from '@ordo/kernel/adapter-kit';
import { hashEventId } from './event-id-hash';

/**
 * The in-memory store's append validation: the kernel's verdict (`assertValidAppend`: the same
 * accepted appends, the same errors) and the same deep-frozen copies, with a fast path for the
 * common append and the {@link hashEventId} of every event id, which the store's id index needs.
 *
 * The fast path takes appends whose events hold plain JSON data and the four required metadata
 * fields only (no optional one), with no event id repeated and no event near the size bound. One
 * walk per event copies it and checks it, and a small table over the id hashes finds repeats
 * (the kernel uses a `Set`, the store hashes the ids anyway). Anything else is left to the
 * kernel: when an event is unusual in any way (a value JSON cannot carry, a cycle, a class
 * instance, an optional metadata field, a shape the kernel refuses...), the kernel checks the
 * snapshot the walk made, never the input again. The snapshot holds exactly what was read (each
 * getter was called once), copies of everything plain, and leaves as they are, unread, the
 * values the walk does not copy (class instances, bigints...), cycles pointing at the copy of
 * their ancestor: the kernel's verdict on it is its verdict on the input. The property test in
 * `append-preparer.spec.ts` checks that on valid, invalid and hostile inputs.
 */
export const validAppendCopies = <E extends AnyEvent>(
  streamId: unknown,
  events: unknown,
  expectedVersion: unknown,
  limits: AppendLimits,
  idHashes: number[],
): NewEvent<E>[] => {
  if (
    !Array.isArray(events) ||
    events.length === 0 ||
    !(expectedVersion === undefined || isExpectedVersion(expectedVersion))
  ) {
    // Nothing of the events has been read: the kernel checks the input itself.
    return hashed(assertValidAppend<E>(streamId, events, expectedVersion, limits), idHashes);
  }
  // The kernel's first rule, in its own words.
  assertValidStreamId(streamId);
  const { common, snapshot } = snapshotEvents(events, limits.maxEventBytes ?? DEFAULT_MAX_EVENT_BYTES, idHashes);
  if (common) return snapshot as NewEvent<E>[];
  return hashed(assertValidAppend<E>(streamId, snapshot, expectedVersion, limits), idHashes);
};

const hashed = <E extends AnyEvent>(copies: NewEvent<E>[], idHashes: number[]): NewEvent<E>[] => {
  for (let i = 0; i < copies.length; i++) idHashes[i] = hashEventId(copies[i]!.metadata.eventId);
  return copies;
};

/**
 * Walks every event of the batch once (see {@link validAppendCopies}). `common` when the whole
 * batch takes the fast path; then `snapshot` holds the final copies and `idHashes` their hashes.
 * (Exported for the spec, which counts how often the fast path is taken.)
 */
export const snapshotEvents = (
  events: ReadonlyArray<unknown>,
  maxBytes: number,
  idHashes: number[],
): { common: boolean; snapshot: unknown[] } => {
  const n = events.length;
  const snapshot = new Array<unknown>(n);
  const walk: Walk = { ancestors: [], copies: [], bound: 0, unusual: false };
  const ids = n > 1 ? newIdTable(n) : undefined;
  let common = true;
  for (let i = 0; i < n; i++) {
    const entry: unknown = events[i];
    if (typeof entry !== 'object' || entry === null) {
      snapshot[i] = entry;
      common = false;
      continue;
    }
    walk.bound = 0;
    const event = copyOf((entry as Partial<NewEvent>).event, walk);
    const metadata = copyOf((entry as Partial<NewEvent>).metadata, walk);
    snapshot[i] = { event, metadata };
    // Once the batch goes to the kernel, the rest is only copied for it.
    if (!common) continue;
    common = !walk.unusual && walk.bound <= maxBytes && hasType(event) && hasRequiredFieldsOnly(metadata);
    if (!common) continue;
    idHashes[i] = hashEventId((metadata as NewEvent['metadata']).eventId);
    if (ids !== undefined) common = ids.add(i, idHashes[i]!, snapshot as NewEvent[]);
  }
  return { common, snapshot };
};

const isNonEmptyString = (value: unknown): value is string => typeof value === 'string' && value.length > 0;

const hasType = (event: unknown): boolean =>
  typeof event === 'object' &&
  event !== null &&
  !Array.isArray(event) &&
  isNonEmptyString((event as { type?: unknown }).type);

const hasRequiredFieldsOnly = (metadata: unknown): boolean => {
  if (typeof metadata !== 'object' || metadata === null || Array.isArray(metadata)) return false;
  const m = metadata as NewEvent['metadata'];
  return (
    isNonEmptyString(m.eventId) &&
    isNonEmptyString(m.correlationId) &&
    isNonEmptyString(m.causationId) &&
    isNonEmptyString(m.occurredAt) &&
    m.tenantId === undefined &&
    m.traceparent === undefined &&
    m.schemaVersion === undefined &&
    m.commandId === undefined &&
    m.headers === undefined
  );
};

/** The event ids of one batch so far, by their hashes, to find a repeated one. */
interface IdTable {
  /** Adds the id of `events[index]`, whose hash is `hash`; false when an earlier event has it. */
  add(index: number, hash: number, events: ReadonlyArray<NewEvent>): boolean;
}

/** An {@link IdTable} for `n` ids: open addressing over (hash, index + 1) pairs, at most half full. */
const newIdTable = (n: number): IdTable => {
  let slots = 4;
  while (slots < 2 * n) slots *= 2;
  const mask = slots - 1;
  const table = new Int32Array(2 * slots);
  return {
    add: (index, hash, events) => {
      const id = events[index]!.metadata.eventId;
      let slot = hash & mask;
      for (let stored = table[2 * slot + 1]!; stored !== 0; stored = table[2 * slot + 1]!) {
        if (table[2 * slot] === hash && events[stored - 1]!.metadata.eventId === id) return false;
        slot = (slot + 1) & mask;
      }
      table[2 * slot] = hash;
      table[2 * slot + 1] = index + 1;
      return true;
    },
  };
};

/** State of the copying walk over one batch. */
interface Walk {
  /** Objects and arrays from the root to the current value, and (same index) their copies. */
  readonly ancestors: object[];
  readonly copies: object[];
  /** Upper bound of the UTF-8 JSON size of the event walked (the kernel's bound, see `json-walk.ts`). */
  bound: number;
  /** Whether the walk met something the kernel must judge. */
  unusual: boolean;
}

const STRING_UNIT_BOUND = 6;
const NUMBER_BOUND = 25;
const hasOwn = Object.prototype.hasOwnProperty;

/**
 * The frozen copy of `value`, as the kernel makes it, noting as unusual (and leaving as it is,
 * unread) what the kernel refuses: non-finite numbers, bigints, functions, symbols, `undefined`
 * (in an array: object properties holding it are dropped, as the kernel drops them), objects
 * with another prototype than `Object.prototype` or `null`. A cycle points at the copy of its
 * ancestor (and is noted), so that the kernel finds it where it is in the input.
 */
const copyOf = (value: unknown, walk: Walk): unknown => {
  switch (typeof value) {
    case 'string':
      walk.bound += STRING_UNIT_BOUND * value.length + 2;
      return value;
    case 'boolean':
      walk.bound += 5;
      return value;
    case 'number':
      walk.bound += NUMBER_BOUND;
      if (!Number.isFinite(value)) walk.unusual = true;
      return value;
    case 'object': {
      if (value === null) {
        walk.bound += 4;
        return value;
      }
      const ancestor = walk.ancestors.indexOf(value);
      if (ancestor >= 0) {
        walk.unusual = true;
        return walk.copies[ancestor];
      }
      if (Array.isArray(value)) return copyOfArray(value, walk);
      const proto = Object.getPrototypeOf(value) as unknown;
      if (proto !== Object.prototype && proto !== null) {
        walk.unusual = true;
        return value;
      }
      return copyOfObject(value as Record<string, unknown>, walk);
    }
    default:
      walk.unusual = true;
      return value;
  }
};

const copyOfArray = (array: ReadonlyArray<unknown>, walk: Walk): unknown => {
  walk.bound += 2 + array.length;
  const out = new Array<unknown>(array.length);
  walk.ancestors.push(array);
  walk.copies.push(out);
  for (let i = 0; i < array.length; i++) out[i] = copyOf(array[i], walk);
  walk.ancestors.pop();
  walk.copies.pop();
  return Object.freeze(out);
};

const copyOfObject = (record: Record<string, unknown>, walk: Walk): unknown => {
  walk.bound += 2;
  const out: Record<string, unknown> = {};
  walk.ancestors.push(record);
  walk.copies.push(out);
  for (const key in record) {
    if (!hasOwn.call(record, key)) continue;
    const item = record[key];
    if (item === undefined) continue;
    walk.bound += STRING_UNIT_BOUND * key.length + 4;
    const copied = copyOf(item, walk);
    // An own `__proto__` key (JSON.parse makes them) must stay data, not set the copy's prototype.
    if (key === '__proto__') {
      Object.defineProperty(out, key, { value: copied, enumerable: true, writable: true, configurable: true });
    } else out[key] = copied;
  }
  walk.ancestors.pop();
  walk.copies.pop();
  return Object.freeze(out);
};
