import * as fc from 'fast-check';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { createLruStateCache } from './state-cache';

const entry = (n: number) => ({ state: n, version: BigInt(n) });

test('get answers what set stored, undefined for unknown streams', () => {
  const cache = createLruStateCache<number>(2);
  cache.set('a', entry(1));
  assert.equal(cache.get('a'), entry(1));
  assert.is(cache.get('b'), undefined);
});

test('the least recently set stream is evicted first', () => {
  const cache = createLruStateCache<number>(2);
  cache.set('a', entry(1));
  cache.set('b', entry(2));
  cache.set('c', entry(3));
  assert.is(cache.get('a'), undefined);
  assert.equal(cache.get('b'), entry(2));
  assert.equal(cache.get('c'), entry(3));
});

test('a get makes the stream recently used, so the other one is evicted', () => {
  const cache = createLruStateCache<number>(2);
  cache.set('a', entry(1));
  cache.set('b', entry(2));
  cache.get('a');
  cache.set('c', entry(3));
  assert.equal(cache.get('a'), entry(1));
  assert.is(cache.get('b'), undefined);
});

test('setting an existing stream replaces it and makes it recently used, without evicting', () => {
  const cache = createLruStateCache<number>(2);
  cache.set('a', entry(1));
  cache.set('b', entry(2));
  cache.set('a', entry(10));
  assert.equal(cache.get('b'), entry(2), 'nothing evicted by an update');
  cache.set('c', entry(3)); // a is now the least recently used (b was read after it)
  assert.is(cache.get('a'), undefined);
  assert.equal(cache.get('b'), entry(2));
});

test('delete removes a stream and frees its slot', () => {
  const cache = createLruStateCache<number>(2);
  cache.set('a', entry(1));
  cache.set('b', entry(2));
  cache.delete('a');
  cache.delete('missing');
  cache.set('c', entry(3));
  assert.is(cache.get('a'), undefined);
  assert.equal(cache.get('b'), entry(2));
  assert.equal(cache.get('c'), entry(3));
});

test('property: the cache behaves like a reference LRU list of at most maxEntries streams', () => {
  const op = fc.oneof(
    fc.record({ kind: fc.constant('set' as const), key: fc.constantFrom('a', 'b', 'c', 'd', 'e'), n: fc.nat(9) }),
    fc.record({ kind: fc.constant('get' as const), key: fc.constantFrom('a', 'b', 'c', 'd', 'e') }),
    fc.record({ kind: fc.constant('delete' as const), key: fc.constantFrom('a', 'b', 'c', 'd', 'e') }),
  );
  fc.assert(
    fc.property(fc.integer({ min: 1, max: 4 }), fc.array(op, { maxLength: 40 }), (max, ops) => {
      const cache = createLruStateCache<number>(max);
      let model: Array<[string, number]> = []; // most recently used last
      for (const o of ops) {
        if (o.kind === 'set') {
          model = [...model.filter(([k]) => k !== o.key), [o.key, o.n]];
          if (model.length > max) model = model.slice(1);
          cache.set(o.key, entry(o.n));
        } else if (o.kind === 'get') {
          const hit = model.find(([k]) => k === o.key);
          if (hit) model = [...model.filter(([k]) => k !== o.key), hit];
          assert.equal(cache.get(o.key), hit ? entry(hit[1]) : undefined);
        } else {
          model = model.filter(([k]) => k !== o.key);
          cache.delete(o.key);
        }
      }
    }),
  );
});

test('maxEntries must be a positive integer', () => {
  for (const bad of [0, -1, 1.5]) {
    assert.throws(
      () => createLruStateCache(bad),
      (e: unknown) => e instanceof RangeError,
    );
  }
});

test.run();
