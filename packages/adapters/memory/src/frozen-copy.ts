/**
 * Deep-copies a JSON value and freezes the copy. The in-memory stores keep their data this way:
 * a caller that mutates what it appended cannot reach the stored copy, and a caller that mutates
 * what it read fails loudly (frozen objects throw in strict mode) instead of corrupting the store.
 * Reads then hand out the stored objects without copying, which keeps folds over millions of
 * events cheap.
 *
 * The value must already be validated as JSON-safe (`findNonJsonValue`). Like JSON, the copy
 * drops object properties holding `undefined`.
 */
export const frozenCopy = <T>(value: T): T => copy(value) as T;

const copy = (value: unknown): unknown => {
  if (typeof value !== 'object' || value === null) return value;
  if (Array.isArray(value)) {
    const out = new Array<unknown>(value.length);
    for (let i = 0; i < value.length; i++) out[i] = copy(value[i]);
    return Object.freeze(out);
  }
  const source = value as Record<string, unknown>;
  const out: Record<string, unknown> = {};
  for (const key of Object.keys(source)) {
    const item = source[key];
    if (item === undefined) continue;
    // An own `__proto__` key (JSON.parse makes them) must stay data, not become the prototype.
    if (key === '__proto__')
      Object.defineProperty(out, key, { value: copy(item), enumerable: true, writable: true, configurable: true });
    else out[key] = copy(item);
  }
  return Object.freeze(out);
};
