import { backoffDelay as kernelBackoffDelay } from '@ordo/kernel';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { backoffDelay } from './backoff';

// The policy itself (growth, cap, jitter bounds) is the kernel's and specified there
// (packages/kernel/src/runtime/backoff.spec.ts); this is the adapter's jitter source.

test('without jitter the adapter answers the kernel policy', () => {
  for (const n of [1, 2, 5, 40])
    assert.is(
      backoffDelay(n, { initialMs: 100, maxMs: 2_000 }),
      kernelBackoffDelay(n, { initialMs: 100, maxMs: 2_000 }),
    );
});

test('jitter is drawn at random, within [(1-j)d, d]', () => {
  const policy = { initialMs: 1_000, maxMs: 1_000, jitter: 0.5 };
  const draws = Array.from({ length: 200 }, () => backoffDelay(1, policy));
  assert.ok(draws.every((d) => d >= 500 && d <= 1_000));
  assert.ok(new Set(draws).size > 100, 'different draws');
});

test.run();
