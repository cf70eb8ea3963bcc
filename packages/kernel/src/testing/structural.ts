/**
 * Structural equality, deep copies and readable rendering of plain data (states, commands,
 * events), without a dependency. Plain objects, arrays, bigint, Date, Map, Set and typed arrays
 * are understood; other class instances are compared and copied by prototype and own properties.
 */

/**
 * Deep structural equality. Numbers compare with `Object.is` except that `0` equals `-0`; bigints
 * by value; arrays element-wise; objects by prototype and own enumerable keys (a key holding
 * `undefined` differs from a missing key); Dates by time; Maps by keys (primitive keys by value,
 * object keys by identity) and values; Sets by members (object members structurally). Objects
 * with a null prototype compare as plain objects.
 */
export const structuralEquals = (a: unknown, b: unknown): boolean => equalsWith(a, b, []);

type Pair = readonly [unknown, unknown];

const isPlainPrototype = (proto: unknown): boolean => proto === null || proto === Object.prototype;

const equalsWith = (a: unknown, b: unknown, visiting: Pair[]): boolean => {
  if (a === b) return true;
  if (typeof a !== typeof b) return false;
  if (typeof a === 'number') return Number.isNaN(a) && Number.isNaN(b as number);
  if (typeof a !== 'object' || a === null || b === null) return false;
  const x = a as object;
  const y = b as object;
  const px = Object.getPrototypeOf(x) as unknown;
  const py = Object.getPrototypeOf(y) as unknown;
  // Null-prototype objects (fast-check's records make them) count as plain objects.
  if (px !== py && !(isPlainPrototype(px) && isPlainPrototype(py))) return false;
  // A cycle back to a pair already under comparison is assumed equal (coinductive equality).
  if (visiting.some(([p, q]) => p === x && q === y)) return true;
  visiting.push([x, y]);
  try {
    if (Array.isArray(x)) {
      const ys = y as unknown[];
      return x.length === ys.length && x.every((item: unknown, i) => equalsWith(item, ys[i], visiting));
    }
    if (x instanceof Date) return x.getTime() === (y as Date).getTime();
    if (x instanceof Map) {
      const ym = y as Map<unknown, unknown>;
      if (x.size !== ym.size) return false;
      for (const [k, v] of x) {
        if (!ym.has(k) || !equalsWith(v, ym.get(k), visiting)) return false;
      }
      return true;
    }
    if (x instanceof Set) {
      const ys = y as Set<unknown>;
      if (x.size !== ys.size) return false;
      const unmatched = [...ys].filter((m) => !x.has(m));
      for (const m of x) {
        if (ys.has(m)) continue;
        const at = unmatched.findIndex((n) => equalsWith(m, n, visiting));
        if (at < 0) return false;
        unmatched.splice(at, 1);
      }
      return true;
    }
    if (ArrayBuffer.isView(x)) {
      const xs = new Uint8Array(x.buffer, x.byteOffset, x.byteLength);
      const yv = y as ArrayBufferView;
      const ys = new Uint8Array(yv.buffer, yv.byteOffset, yv.byteLength);
      return xs.length === ys.length && xs.every((byte, i) => byte === ys[i]);
    }
    const xk = Object.keys(x);
    const yk = Object.keys(y);
    if (xk.length !== yk.length) return false;
    const xr = x as Record<string, unknown>;
    const yr = y as Record<string, unknown>;
    return xk.every((k) => Object.prototype.hasOwnProperty.call(y, k) && equalsWith(xr[k], yr[k], visiting));
  } finally {
    visiting.pop();
  }
};

/**
 * A deep copy that {@link structuralEquals} the original: plain objects, arrays, Date, Map, Set
 * and typed arrays are copied; other objects are copied by prototype and own enumerable
 * properties; functions are shared; frozen objects stay frozen. Cycles are preserved.
 */
export const deepCopy = <T>(value: T): T => copyWith(value, new Map()) as T;

const copyWith = (v: unknown, seen: Map<object, unknown>): unknown => {
  if (typeof v !== 'object' || v === null) return v;
  const done = seen.get(v);
  if (done !== undefined) return done;
  let out: object;
  if (Array.isArray(v)) {
    const arr: unknown[] = [];
    seen.set(v, arr);
    for (const item of v) arr.push(copyWith(item, seen));
    out = arr;
  } else if (v instanceof Date) {
    out = new Date(v.getTime());
    seen.set(v, out);
  } else if (v instanceof Map) {
    const m = new Map<unknown, unknown>();
    seen.set(v, m);
    for (const [k, item] of v) m.set(k, copyWith(item, seen));
    out = m;
  } else if (v instanceof Set) {
    const s = new Set<unknown>();
    seen.set(v, s);
    for (const item of v) s.add(copyWith(item, seen));
    out = s;
  } else if (ArrayBuffer.isView(v)) {
    out = (v as unknown as { slice: () => object }).slice();
    seen.set(v, out);
  } else {
    const o = Object.create(Object.getPrototypeOf(v) as object | null) as Record<string, unknown>;
    seen.set(v, o);
    for (const [k, item] of Object.entries(v)) {
      // defineProperty, not assignment: an own `__proto__` key must stay a plain key.
      Object.defineProperty(o, k, {
        value: copyWith(item, seen),
        enumerable: true,
        writable: true,
        configurable: true,
      });
    }
    out = o;
  }
  if (Object.isFrozen(v)) Object.freeze(out);
  return out;
};

/**
 * Renders a value as JSON-like text for failure messages: bigints print as `12n`, `undefined` as
 * `undefined`, Maps and Sets by their entries, Dates as ISO strings, cycles as `[cycle]`.
 */
export const showValue = (value: unknown): string => showWith(value, new Set());

const showWith = (v: unknown, stack: Set<object>): string => {
  switch (typeof v) {
    case 'bigint':
      return `${v}n`;
    case 'undefined':
      return 'undefined';
    case 'function':
      return `[function ${v.name || 'anonymous'}]`;
    case 'symbol':
      return v.toString();
    case 'number':
      return Number.isFinite(v) ? JSON.stringify(v) : String(v);
    case 'string':
    case 'boolean':
      return JSON.stringify(v);
    default:
      break;
  }
  if (v === null) return 'null';
  const o = v as object;
  if (stack.has(o)) return '[cycle]';
  stack.add(o);
  try {
    if (Array.isArray(o)) return `[${o.map((item: unknown) => showWith(item, stack)).join(',')}]`;
    if (o instanceof Date) return Number.isNaN(o.getTime()) ? 'Invalid Date' : JSON.stringify(o.toISOString());
    if (o instanceof Map) {
      return `Map{${[...o].map(([k, item]) => `${showWith(k, stack)}=>${showWith(item, stack)}`).join(',')}}`;
    }
    if (o instanceof Set) return `Set{${[...o].map((item) => showWith(item, stack)).join(',')}}`;
    if (ArrayBuffer.isView(o)) return `${o.constructor.name}[${String(o)}]`;
    const body = Object.entries(o)
      .map(([k, item]) => `${JSON.stringify(k)}:${showWith(item, stack)}`)
      .join(',');
    const proto = Object.getPrototypeOf(o) as { constructor?: { name?: string } } | null;
    const name = proto === null || proto === Object.prototype ? '' : (proto.constructor?.name ?? '');
    return `${name}{${body}}`;
  } finally {
    stack.delete(o);
  }
};
