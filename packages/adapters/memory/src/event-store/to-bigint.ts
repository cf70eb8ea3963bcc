/**
 * Shared bigints for small numbers. A bigint is a heap object, and every stored event holds two
 * (stream version, global position): most stream versions and early positions are small, so their
 * bigints come from one table instead of being allocated, and then kept, once per event. Bigints
 * are immutable values, so sharing them is invisible to callers. The table grows on demand up to
 * {@link SMALL_BIGINTS_LIMIT} entries (about 2 MB), shared by every store in the process.
 */
const SMALL_BIGINTS_LIMIT = 1 << 16;
const smallBigints: bigint[] = [];

/** `BigInt(n)` for an integer `n >= 0`, shared when `n` is small. */
export const toBigint = (n: number): bigint => {
  if (n < smallBigints.length) return smallBigints[n]!;
  if (n >= SMALL_BIGINTS_LIMIT) return BigInt(n);
  while (smallBigints.length <= n) smallBigints.push(BigInt(smallBigints.length));
  return smallBigints[n]!;
};
