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
 * Keys are not stored: `keyOf(value)` reads them back from where the caller keeps them.
 */
export interface StringIndex {
  /** The value stored for `key`, or -1. */
  get(key: string): number;
  /** Adds a key that is not in the index yet, with a value in 0..2^31-2. */
  add(key: string, value: number): void;
  /** Number of keys. */
  readonly size: number;
}

/** Load factor at which the table doubles: low, so that probe runs stay short. */
const MAX_LOAD = 0.5;
const INITIAL_SLOTS = 1024;

/**
 * FNV-1a over the UTF-16 code units, then murmur3's finaliser so that keys differing only in
 * their last characters (`evt-0001`, `evt-0002`) spread over the whole table.
 */
export const hashString = (s: string): number => {
  let h = 0x811c9dc5;
  for (let i = 0; i < s.length; i++) h = Math.imul(h ^ s.charCodeAt(i), 0x01000193);
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  return h ^ (h >>> 16);
};

/** Creates an empty {@link StringIndex} whose keys are read back with `keyOf(value)`. */
export const createStringIndex = (keyOf: (value: number) => string): StringIndex => {
  // Pairs [hash, value + 1]; value + 1 === 0 marks an empty slot.
  let table = new Int32Array(INITIAL_SLOTS * 2);
  let mask = INITIAL_SLOTS - 1;
  let size = 0;

  // The hash of the last key looked up: an add usually follows the lookup of the same key.
  let lastKey: string | undefined;
  let lastHash = 0;
  const hashOf = (key: string): number => {
    if (key !== lastKey) {
      lastHash = hashString(key);
      lastKey = key;
    }
    return lastHash;
  };

  const get = (key: string): number => {
    const hash = hashOf(key);
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
    add: (key, value) => {
      if (size + 1 > (mask + 1) * MAX_LOAD) grow();
      place(table, mask, hashOf(key), value + 1);
      size++;
    },
    get size() {
      return size;
    },
  };
};
