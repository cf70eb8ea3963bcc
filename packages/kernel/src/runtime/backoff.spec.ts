import fc from 'fast-check';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { backoffDelay, seededRandom } from './backoff';

const schedule = (failures: number, policy: Parameters<typeof backoffDelay>[1]) =>
  Array.from({ length: failures }, (_, i) => backoffDelay(i + 1, policy));

test('the delays grow by the factor from the initial delay up to the cap', () => {
  assert.equal(schedule(5, { initialMs: 100, factor: 2, maxMs: 1_000 }), [100, 200, 400, 800, 1_000]);
  assert.equal(schedule(3, {}), [100, 200, 400], 'defaults: 100 ms doubling');
  assert.equal(schedule(3, { initialMs: 10, factor: 3, maxMs: 50 }), [10, 30, 50]);
  assert.equal(schedule(8, {}).slice(-2), [5_000, 5_000], 'default cap 5 s');
});

test('delays never shrink and never pass the cap; jitter only shortens', () => {
  // Invariants: without jitter the delay is non-decreasing in the failure count and <= maxMs;
  // with jitter j it lies in [(1-j)d, d] of the jitter-free delay d.
  fc.assert(
    fc.property(
      fc.integer({ min: 1, max: 1_000 }),
      fc.double({ min: 1, max: 4, noNaN: true }),
      fc.integer({ min: 1, max: 60_000 }),
      fc.integer({ min: 1, max: 200 }),
      fc.double({ min: 0, max: 1, noNaN: true }),
      fc.double({ min: 0, max: 1, noNaN: true, maxExcluded: true }),
      (initialMs, factor, maxMs, n, jitter, r) => {
        const policy = { initialMs, factor, maxMs };
        const d1 = backoffDelay(n, policy);
        const d2 = backoffDelay(n + 1, policy);
        assert.ok(d1 <= d2, `${d1} <= ${d2}`);
        assert.ok(d2 <= maxMs);
        for (const jittered of [
          backoffDelay(n, { ...policy, jitter }, () => r),
          backoffDelay(n, { ...policy, jitter }),
        ])
          assert.ok(jittered <= d1 + 1e-9 && jittered >= (1 - jitter) * d1 - 1e-9);
      },
    ),
  );
});

test('huge or odd failure counts stay within the cap instead of overflowing', () => {
  assert.is(backoffDelay(10_000, { initialMs: 100, maxMs: 5_000 }), 5_000);
  assert.is(backoffDelay(Number.POSITIVE_INFINITY), 100);
  assert.is(backoffDelay(0), 100);
  assert.is(backoffDelay(-3), 100);
});

test('without a random source the jitter is reproducible; seededRandom spreads workers apart', () => {
  const policy = { initialMs: 1_000, maxMs: 1_000, jitter: 1 };
  assert.is(backoffDelay(3, policy), backoffDelay(3, policy));
  const a = seededRandom('relay-a');
  const b = seededRandom('relay-b');
  const again = seededRandom('relay-a');
  const drawsA = Array.from({ length: 200 }, () => a());
  const drawsB = Array.from({ length: 200 }, () => b());
  assert.equal(
    Array.from({ length: 200 }, () => again()),
    drawsA,
    'the same seed draws the same sequence',
  );
  assert.not.equal(drawsA, drawsB);
  for (const draws of [drawsA, drawsB]) {
    assert.ok(draws.every((x) => x >= 0 && x < 1));
    const mean = draws.reduce((s, x) => s + x, 0) / draws.length;
    assert.ok(mean > 0.4 && mean < 0.6, `mean ${mean}`);
    // Consecutive draws land far apart (the hash mixes the counter's last digit).
    const gaps = draws.slice(1).map((x, i) => Math.abs(x - draws[i]!));
    assert.ok(gaps.reduce((s, g) => s + g, 0) / gaps.length > 0.2);
  }
});

test.run();
