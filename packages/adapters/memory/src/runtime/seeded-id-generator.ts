import type { IdGenerator } from '@ordo/kernel';
import { createSeededRandom } from './seeded-random';

/**
 * A seeded {@link IdGenerator}: ids look like version-4 UUIDs (optionally prefixed) and repeat
 * exactly for the same seed, so simulated runs can be replayed.
 */
export const createSeededIdGenerator = (seed: number, prefix = ''): IdGenerator => {
  const random = createSeededRandom(seed);
  const hex = (bits: number, digits: number) => bits.toString(16).padStart(digits, '0');
  const word = () => Math.floor(random.next() * 4294967296);
  return {
    next: () => {
      const a = word();
      const b = word();
      const c = word();
      const d = word();
      const version = (b & 0xffff0fff) | 0x00004000;
      const variant = ((c & 0x3fffffff) | 0x80000000) >>> 0;
      const h = hex(a, 8) + hex(version >>> 0, 8) + hex(variant, 8) + hex(d, 8);
      return `${prefix}${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20)}`;
    },
  };
};
