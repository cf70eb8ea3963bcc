/**
 * A 32-bit hash of an event id (any string), for the store's id index (`./string-index`): two
 * interleaved FNV-1a lanes over the UTF-16 code units, which halves the chain of dependent
 * multiplications, then murmur3's finaliser so that ids differing only in their last characters
 * (`evt-0001`, `evt-0002`) spread over a whole table. Deterministic; not for security.
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
