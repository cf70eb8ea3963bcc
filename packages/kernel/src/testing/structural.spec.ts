import * as fc from 'fast-check';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { deepCopy, showValue, structuralEquals } from './structural';

const values = fc.anything({
  withBigInt: true,
  withDate: true,
  withMap: true,
  withSet: true,
  withTypedArray: true,
  withNullPrototype: true,
  withObjectString: true,
});

test('property: a deep copy is structurally equal to its original and shares no object with it', () => {
  fc.assert(
    fc.property(values, (v) => {
      const copy = deepCopy(v);
      assert.ok(structuralEquals(copy, v));
      assert.ok(structuralEquals(v, copy));
      if (typeof v === 'object' && v !== null) assert.is.not(copy, v);
    }),
  );
});

test('property: equality is symmetric, and wrapping a value makes it different', () => {
  fc.assert(
    fc.property(values, values, (a, b) => {
      assert.is(structuralEquals(a, b), structuralEquals(b, a));
      assert.not.ok(structuralEquals([a], a));
    }),
  );
});

test('equality: bigint, numbers, undefined keys, prototypes', () => {
  assert.ok(structuralEquals(10n, 10n));
  assert.not.ok(structuralEquals(1n, 1));
  assert.ok(structuralEquals(Number.NaN, Number.NaN));
  assert.ok(structuralEquals(0, -0));
  assert.not.ok(structuralEquals({ a: undefined }, {}));
  assert.not.ok(structuralEquals({ a: 1 }, { a: 1, b: 2 }));
  assert.ok(structuralEquals({ a: [1, { b: 2n }] }, { a: [1, { b: 2n }] }));
  assert.not.ok(structuralEquals([1, 2], [2, 1]));
  assert.not.ok(structuralEquals([], {}));
  const bare = Object.assign(Object.create(null) as object, { a: 1 });
  assert.ok(structuralEquals(bare, { a: 1 }), 'null-prototype objects are plain objects');
  class Point {
    constructor(readonly x: number) {}
  }
  assert.ok(structuralEquals(new Point(1), new Point(1)));
  assert.not.ok(structuralEquals(new Point(1), { x: 1 }));
});

test('equality: Date, Map, Set, typed arrays, cycles', () => {
  assert.ok(structuralEquals(new Date(5), new Date(5)));
  assert.not.ok(structuralEquals(new Date(5), new Date(6)));
  assert.ok(structuralEquals(new Map([['a', { n: 1n }]]), new Map([['a', { n: 1n }]])));
  assert.not.ok(structuralEquals(new Map([['a', 1]]), new Map([['b', 1]])));
  assert.ok(structuralEquals(new Set([{ a: 1 }, 2]), new Set([2, { a: 1 }])));
  assert.not.ok(structuralEquals(new Set([{ a: 1 }, { a: 1 }]), new Set([{ a: 1 }, { a: 2 }])));
  assert.ok(structuralEquals(new Uint8Array([1, 2]), new Uint8Array([1, 2])));
  assert.not.ok(structuralEquals(new Uint8Array([1, 2]), new Uint8Array([1, 3])));
  const a: { self?: unknown } = {};
  a.self = a;
  const b: { self?: unknown } = {};
  b.self = b;
  assert.ok(structuralEquals(a, b));
  const copy = deepCopy(a);
  assert.is(copy.self, copy);
});

test('deepCopy keeps frozen objects frozen and own __proto__ keys as keys', () => {
  const frozen = deepCopy(Object.freeze({ a: Object.freeze([1]) }));
  assert.ok(Object.isFrozen(frozen) && Object.isFrozen(frozen.a));
  const tricky = JSON.parse('{"__proto__": {"x": 1}}') as object;
  const copy = deepCopy(tricky);
  assert.is(Object.getPrototypeOf(copy), Object.prototype);
  assert.ok(structuralEquals(copy, tricky));
});

test('showValue renders bigint, undefined, Map, Set, Date and cycles readably', () => {
  assert.is(showValue({ a: 1n, b: undefined, c: [1, 'x'] }), '{"a":1n,"b":undefined,"c":[1,"x"]}');
  assert.is(showValue(new Map([['k', 2n]])), 'Map{"k"=>2n}');
  assert.is(showValue(new Set([1])), 'Set{1}');
  assert.is(showValue(new Date(0)), '"1970-01-01T00:00:00.000Z"');
  assert.is(showValue(Number.NaN), 'NaN');
  const cyclic: { self?: unknown } = {};
  cyclic.self = cyclic;
  assert.is(showValue(cyclic), '{"self":[cycle]}');
  class Point {
    constructor(readonly x: number) {}
  }
  assert.is(showValue(new Point(1)), 'Point{"x":1}');
});

test.run();
