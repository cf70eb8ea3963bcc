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
  if (fresh?.has(table)) {
    setOwn(table as Record<string, V>, key, value);
    return table;
  }
  const copy: Record<string, V> = hasOwn(table, key) ? { ...table } : copyEntries(table);
  setOwn(copy, key, value);
  fresh?.add(copy);
  return copy;
};

/** A copy of `table` without `key`. */
export const remove = <V>(table: Table<V>, key: string): Table<V> => {
  if (!hasOwn(table, key)) return table;
  if (fresh?.has(table)) {
    delete (table as Record<string, V>)[key];
    return table;
  }
  const copy = copyEntries(table, key);
  fresh?.add(copy);
  return copy;
};

/** Tables `put` and `remove` made during the current {@link inOneStep}; `undefined` outside one. */
let fresh: WeakSet<object> | undefined;

/**
 * Runs `fold` (synchronous) as one step of many changes to immutable tables, such as folding a
 * batch of events into a read model: a table that `put` or `remove` copied during this step is
 * changed in place by the next `put` or `remove` of the same step, instead of being copied again.
 * Nothing outside the step can hold such a table (it did not exist before it), so every table
 * that existed before is still never changed; once the step ends, every table is immutable again.
 * A read model folding a batch of N events into a table of M entries then copies the table once
 * per batch, not once per event (O(M + N), not O(M x N)).
 *
 * Only for folds that use their tables linearly (each new table replaces the one it came from),
 * as `evolve` functions do: a fold that keeps an earlier version of a table it changes again in
 * the same step would see that change.
 *
 * @example
 * const model = inOneStep(() => events.reduce((m, e) => projection.evolve(m, e), start));
 */
export const inOneStep = <R>(fold: () => R): R => {
  const outer = fresh;
  fresh = new WeakSet();
  try {
    return fold();
  } finally {
    fresh = outer;
  }
};

/** A copy of `table` where the value under `key` is replaced by `update(previous)`. */
export const update = <V>(table: Table<V>, key: string, update: (previous: V | undefined) => V): Table<V> =>
  put(table, key, update(lookup(table, key)));
