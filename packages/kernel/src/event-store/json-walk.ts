import type { ValidationIssue } from '../model/errors';

/**
 * The one walk over a value that must travel as JSON. In a single pass it
 *
 * - finds the first thing JSON cannot carry faithfully: a bigint, function or symbol, NaN or
 *   ±Infinity, an object whose prototype is neither `Object.prototype` nor `null` (Date, Map, a
 *   class instance), a cycle, `undefined` in an array (a hole of a sparse array reads as one).
 *   `undefined` object properties are fine: JSON drops them, as optional fields expect;
 * - reads every property once (a getter is called once), so that what is checked is what is
 *   answered;
 * - adds up an upper bound of the value's UTF-8 JSON size;
 * - with `copy`, builds a deep-frozen copy: new arrays and plain objects, properties holding
 *   `undefined` dropped as JSON drops them, an own `__proto__` key kept as a data property.
 *
 * The walk does not stop at the first problem: it notes it (with its path) and goes on, leaving
 * the offending value as it is in the copy, so that a caller can still run its shape checks on
 * the copy before it reports the JSON problem. Paths are only rendered on failure: appends run
 * this walk on every event, so its happy path allocates nothing but the copy.
 */
export interface JsonWalk {
  /** Whether {@link walkJson} answers a deep-frozen copy (true) or the value itself. */
  readonly copy: boolean;
  /** Objects and arrays from the root to the current value: meeting one of them again is a cycle. */
  readonly ancestors: object[];
  /** What is being walked, the first key of an issue's path (`'event'`); `''` for nothing. */
  root: string;
  /** Keys from the root to the current value. */
  readonly keys: Array<string | number>;
  /** Upper bound of the UTF-8 JSON size of everything walked so far. */
  bound: number;
  /** The first problem met, with the keys leading to it; undefined while there is none. */
  issue: JsonIssue | undefined;
}

/** A problem found by {@link walkJson}: a {@link ValidationIssue} whose path is still a list of keys. */
export interface JsonIssue extends Omit<ValidationIssue, 'path'> {
  readonly keys: ReadonlyArray<string | number>;
}

/** A fresh {@link JsonWalk}. */
export const newJsonWalk = (copy: boolean): JsonWalk => ({
  copy,
  ancestors: [],
  root: '',
  keys: [],
  bound: 0,
  issue: undefined,
});

/** Makes `walk` (whose last walk went to its end) new again: no bound, no issue, walking `root`. */
export const restartJsonWalk = (walk: JsonWalk, root: string): void => {
  walk.bound = 0;
  walk.issue = undefined;
  walk.root = root;
};

/** Renders `keys` after `prefix` as a dotted path (`events.0.event` + [`data`, 1]). */
export const pathOf = (prefix: string, keys: ReadonlyArray<string | number>): string => {
  let path = prefix;
  for (const key of keys) path = path === '' ? String(key) : `${path}.${key}`;
  return path;
};

// Upper bounds of serialised sizes. A UTF-16 unit never takes more than 6 bytes in JSON (`\u001f`
// or an escaped lone surrogate; a surrogate pair is 4 bytes for 2 units); a number prints in at
// most 25 characters.
const STRING_UNIT_BOUND = 6;
const NUMBER_BOUND = 25;

/**
 * Walks `value` (see {@link JsonWalk}): answers its frozen copy with `walk.copy`, else `value`;
 * notes the first problem in `walk.issue` and adds the size bound to `walk.bound`.
 */
export const walkJson = (value: unknown, walk: JsonWalk): unknown => {
  switch (typeof value) {
    case 'string':
      walk.bound += STRING_UNIT_BOUND * value.length + 2;
      return value;
    case 'boolean':
      walk.bound += 5;
      return value;
    case 'number':
      walk.bound += NUMBER_BOUND;
      return Number.isFinite(value) ? value : refuse(walk, value, 'finite number', value);
    case 'object': {
      if (value === null) {
        walk.bound += 4;
        return value;
      }
      if (walk.ancestors.includes(value)) return refuse(walk, value, 'acyclic JSON value', '[cycle]');
      if (Array.isArray(value)) return walkArray(value, walk);
      const proto = Object.getPrototypeOf(value) as unknown;
      if (proto !== Object.prototype && proto !== null) {
        return refuse(walk, value, 'plain object', Object.prototype.toString.call(value));
      }
      return walkObject(value as Record<string, unknown>, walk);
    }
    default:
      return refuse(walk, value, 'JSON value', typeof value === 'bigint' ? `${value}n` : typeof value);
  }
};

/** Notes a problem at the current keys unless one was already noted; answers `value` unchanged. */
const refuse = (walk: JsonWalk, value: unknown, expected: string, actual: unknown): unknown => {
  walk.issue ??= { keys: walk.root === '' ? [...walk.keys] : [walk.root, ...walk.keys], expected, actual };
  return value;
};

const walkArray = (array: ReadonlyArray<unknown>, walk: JsonWalk): unknown => {
  walk.bound += 2 + array.length;
  walk.ancestors.push(array);
  const out = walk.copy ? new Array<unknown>(array.length) : undefined;
  for (let i = 0; i < array.length; i++) {
    const item = array[i];
    walk.keys.push(i);
    const walked = item === undefined ? refuse(walk, item, 'JSON value', undefined) : walkJson(item, walk);
    walk.keys.pop();
    if (out !== undefined) out[i] = walked;
  }
  walk.ancestors.pop();
  return out === undefined ? array : Object.freeze(out);
};

const hasOwn = Object.prototype.hasOwnProperty;

const walkObject = (record: Record<string, unknown>, walk: JsonWalk): unknown => {
  walk.bound += 2;
  walk.ancestors.push(record);
  const out: Record<string, unknown> | undefined = walk.copy ? {} : undefined;
  for (const key in record) {
    if (!hasOwn.call(record, key)) continue;
    const item = record[key];
    if (item === undefined) continue;
    walk.bound += STRING_UNIT_BOUND * key.length + 4;
    walk.keys.push(key);
    const walked = walkJson(item, walk);
    walk.keys.pop();
    if (out === undefined) continue;
    // An own `__proto__` key (JSON.parse makes them) must stay data, not set the copy's prototype.
    if (key === '__proto__') {
      Object.defineProperty(out, key, { value: walked, enumerable: true, writable: true, configurable: true });
    } else out[key] = walked;
  }
  walk.ancestors.pop();
  return out === undefined ? record : Object.freeze(out);
};

/**
 * Finds the first place where `value` holds something JSON cannot carry faithfully (see
 * {@link JsonWalk}), its path prefixed with `path`; undefined when there is none.
 */
export const findNonJsonValue = (value: unknown, path = ''): ValidationIssue | undefined => {
  const walk = newJsonWalk(false);
  walkJson(value, walk);
  const issue = walk.issue;
  return issue === undefined
    ? undefined
    : { path: pathOf(path, issue.keys), expected: issue.expected, actual: issue.actual };
};

/**
 * Deep-copies a JSON value and freezes the copy (arrays and objects at every level). The value
 * must already be known JSON-safe ({@link findNonJsonValue}): what JSON cannot carry is left as
 * it is. Like JSON, the copy drops object properties holding `undefined`; an own `__proto__` key
 * stays a plain data property.
 */
export const frozenJsonCopy = <T>(value: T): T => walkJson(value, newJsonWalk(true)) as T;
