/**
 * FNV-1a of `text`, finished with MurmurHash3's 32-bit mix (so that texts differing in their
 * last character land far apart), mapped to [0, 1). The kernel's stand-in for randomness where a
 * spread is wanted but no random source may be read: backoff jitter. Not for secrets.
 */
export const unitHash = (text: string): number => {
  let h = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) {
    h ^= text.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  h ^= h >>> 16;
  return (h >>> 0) / 0x1_0000_0000;
};
