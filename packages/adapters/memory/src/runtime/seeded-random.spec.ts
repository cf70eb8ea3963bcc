import fc from 'fast-check';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { createSeededRandom } from './seeded-random';

const draw = (seed: number, n: number) => {
  const r = createSeededRandom(seed);
  return Array.from({ length: n }, () => r.next());
};

test('the same seed gives the same sequence; another seed another one', () => {
  assert.equal(draw(42, 50), draw(42, 50));
  assert.not.equal(draw(42, 50), draw(43, 50));
  assert.ok(draw(7, 1000).every((x) => x >= 0 && x < 1));
});

test('property: int(n) stays in [0, n) and shuffle is a permutation', () => {
  fc.assert(
    fc.property(
      fc.integer(),
      fc.integer({ min: 1, max: 1000 }),
      fc.array(fc.integer(), { maxLength: 30 }),
      (seed, n, xs) => {
        const r = createSeededRandom(seed);
        for (let i = 0; i < 20; i++) {
          const k = r.int(n);
          if (!Number.isInteger(k) || k < 0 || k >= n) return false;
        }
        const shuffled = r.shuffle(xs);
        return JSON.stringify([...shuffled].sort()) === JSON.stringify([...xs].sort());
      },
    ),
  );
});

test('draws are spread over the range (a crude uniformity check)', () => {
  const r = createSeededRandom(1);
  const buckets = new Array<number>(10).fill(0);
  for (let i = 0; i < 10_000; i++) buckets[r.int(10)]! += 1;
  assert.ok(
    buckets.every((b) => b > 850 && b < 1150),
    `buckets ${buckets.join(',')}`,
  );
});

test('pick, chance and fork', () => {
  const r = createSeededRandom(3);
  assert.throws(() => r.pick([]), /non-empty/);
  assert.throws(() => r.int(0), /positive/);
  assert.is(r.chance(0), false);
  assert.is(r.chance(1), true);
  assert.equal(createSeededRandom(5).fork().next(), createSeededRandom(5).fork().next());
  assert.throws(() => createSeededRandom(1.5), /integer/);
});

test.run();
