/**
 * Immutable helpers for string-keyed records used in states and read models. Lookups go through
 * own properties only, so keys such as `constructor` or `__proto__` are ordinary keys.
 */
export type Table<V> = Readonly<Record<string, V>>;

const hasOwn = (table: object, key: string): boolean => Object.prototype.hasOwnProperty.call(table, key);

/** The value stored under `key`, or `undefined`. */
export const lookup = <V>(table: Table<V>, key: string): V | undefined => (hasOwn(table, key) ? table[key] : undefined);

/**
 * Sets `key` on a fresh copy as an own data property. A plain assignment creates one for every
 * key but those `Object.prototype` holds (`__proto__`, or one a polluted prototype added): those
 * are defined, so no inherited setter runs.
 */
const setOwn = <V>(copy: Record<string, V>, key: string, value: V): void => {
  if (key in Object.prototype) {
    Object.defineProperty(copy, key, { value, enumerable: true, writable: true, configurable: true });
  } else copy[key] = value;
};

/** A copy of `table`'s entries, `except` one, built key by key. */
const copyEntries = <V>(table: Table<V>, except?: string): Record<string, V> => {
  const copy: Record<string, V> = {};
  const keys = Object.keys(table);
  for (let i = 0; i < keys.length; i++) {
    const key = keys[i]!;
    if (key !== except) setOwn(copy, key, table[key]!);
  }
  return copy;
};

/**
 * A copy of `table` with `key` set to `value`. Replacing a key copies with a spread (the copy
 * has the table's shape); a new key copies key by key instead, because adding a property to an
 * object a spread made is about 1 µs on Node 20 (V8 11), twenty times an ordinary add
 * (docs/simulation.md).
 */
export const put = <V>(table: Table<V>, key: string, value: V): Table<V> => {
  const copy: Record<string, V> = hasOwn(table, key) ? { ...table } : copyEntries(table);
  setOwn(copy, key, value);
  return copy;
};

/** A copy of `table` without `key`. */
export const remove = <V>(table: Table<V>, key: string): Table<V> =>
  hasOwn(table, key) ? copyEntries(table, key) : table;

/** A copy of `table` where the value under `key` is replaced by `update(previous)`. */
export const update = <V>(table: Table<V>, key: string, update: (previous: V | undefined) => V): Table<V> =>
  put(table, key, update(lookup(table, key)));
