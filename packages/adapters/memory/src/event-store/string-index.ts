/**
 * A set of distinct strings, each standing for a number (the in-memory event store: event id ->
 * index of the event in its log). The store looks an id up on every append and adds every event's
 * id, so this replaces a `Map<string, ...>`:
 *
 * - one cache line per lookup of an absent key: the table is an `Int32Array` of (hash, value)
 *   pairs probed linearly, and the key itself is only read back on a full hash match. A `Map`
 *   with 100k entries costs several cache misses per lookup (bucket, entry, key) and as many per
 *   insert;
 * - nothing for the garbage collector to trace: the table holds no pointers (a `Map`'s table is
 *   a large array of pointers to young objects, rescanned on each minor collection);
 * - no 2^24-entry cap (a `Map` throws past 16.7M entries).
 *
 * Keys are not stored: `keyOf(value)` reads them back from where the caller keeps them. Nor are
 * they hashed here: the caller passes each key's 32-bit hash (`hashEventId`, computed once per
 * event id when an append is prepared), always the same one for a key.
 */
export interface StringIndex {
  /** The value stored for `key` (whose hash is `hash`), or -1. */
  get(key: string, hash: number): number;
  /** Adds a key that is not in the index yet, by its hash, with a value in 0..2^31-2. */
  add(hash: number, value: number): void;
  /** Number of keys. */
  readonly size: number;
}

/** Load factor at which the table doubles: low, so that probe runs stay short. */
const MAX_LOAD = 0.5;
const INITIAL_SLOTS = 1024;

/** Creates an empty {@link StringIndex} whose keys are read back with `keyOf(value)`. */
export const createStringIndex = (keyOf: (value: number) => string): StringIndex => {
  // Pairs [hash, value + 1]; value + 1 === 0 marks an empty slot.
  let table = new Int32Array(INITIAL_SLOTS * 2);
  let mask = INITIAL_SLOTS - 1;
  let size = 0;

  const get = (key: string, hash: number): number => {
    for (let slot = hash & mask; ; slot = (slot + 1) & mask) {
      const stored = table[2 * slot + 1]!;
      if (stored === 0) return -1;
      if (table[2 * slot] === hash && keyOf(stored - 1) === key) return stored - 1;
    }
  };

  const place = (into: Int32Array, intoMask: number, hash: number, stored: number): void => {
    let slot = hash & intoMask;
    while (into[2 * slot + 1] !== 0) slot = (slot + 1) & intoMask;
    into[2 * slot] = hash;
    into[2 * slot + 1] = stored;
  };

  const grow = (): void => {
    const slots = (mask + 1) * 2;
    const next = new Int32Array(slots * 2);
    for (let i = 0; i < table.length; i += 2) {
      if (table[i + 1] !== 0) place(next, slots - 1, table[i]!, table[i + 1]!);
    }
    table = next;
    mask = slots - 1;
  };

  return {
    get,
    add: (hash, value) => {
      if (size + 1 > (mask + 1) * MAX_LOAD) grow();
      place(table, mask, hash, value + 1);
      size++;
    },
    get size() {
      return size;
    },
  };
};
