import fc from 'fast-check';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { backoffDelay, backoffSchedule, sleep } from './backoff';

test('the schedule doubles from the initial delay up to the cap', () => {
  assert.equal(backoffSchedule(6, { initialMs: 100, factor: 2, maxMs: 1_000 }), [100, 200, 400, 800, 1_000]);
  assert.equal(backoffSchedule(1), []);
  assert.equal(backoffSchedule(0), []);
  assert.equal(backoffSchedule(3), [100, 200]);
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
        const jittered = backoffDelay(n, { ...policy, jitter }, () => r);
        assert.ok(jittered <= d1 + 1e-9 && jittered >= (1 - jitter) * d1 - 1e-9);
      },
    ),
  );
});

test('huge failure counts stay at the cap instead of overflowing', () => {
  assert.is(backoffDelay(10_000, { initialMs: 100, maxMs: 5_000 }), 5_000);
  assert.is(backoffDelay(0), 100);
});

test('sleep resolves true after the time, false at once when aborted', async () => {
  assert.is(await sleep(5), true);
  const controller = new AbortController();
  const started = Date.now();
  const pending = sleep(10_000, controller.signal);
  setTimeout(() => controller.abort(), 10);
  assert.is(await pending, false);
  assert.ok(Date.now() - started < 2_000);
  assert.is(await sleep(10_000, controller.signal), false);
});

test.run();
