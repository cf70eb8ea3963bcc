/**
 * Immutable helpers for string-keyed records used in states and read models. Lookups go through
 * own properties only, so keys such as `constructor` or `__proto__` are ordinary keys.
 */
export type Table<V> = Readonly<Record<string, V>>;

/** The value stored under `key`, or `undefined`. */
export const lookup = <V>(table: Table<V>, key: string): V | undefined =>
  Object.prototype.hasOwnProperty.call(table, key) ? table[key] : undefined;

/** A copy of `table` with `key` set to `value`. */
export const put = <V>(table: Table<V>, key: string, value: V): Table<V> => {
  const copy: Record<string, V> = { ...table };
  Object.defineProperty(copy, key, { value, enumerable: true, writable: true, configurable: true });
  return copy;
};

/** A copy of `table` without `key`. */
export const remove = <V>(table: Table<V>, key: string): Table<V> => {
  if (!Object.prototype.hasOwnProperty.call(table, key)) return table;
  const copy: Record<string, V> = { ...table };
  delete copy[key];
  return copy;
};

/** A copy of `table` where the value under `key` is replaced by `update(previous)`. */
export const update = <V>(table: Table<V>, key: string, update: (previous: V | undefined) => V): Table<V> =>
  put(table, key, update(lookup(table, key)));
