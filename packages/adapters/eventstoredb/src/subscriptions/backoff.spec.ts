import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { backoffDelay, sleep } from './backoff';

test('delays double from the initial delay and stop at the cap', () => {
  assert.equal(
    [1, 2, 3, 4, 5, 6, 7, 8].map((n) => backoffDelay(n)),
    [100, 200, 400, 800, 1600, 3200, 5000, 5000],
  );
  assert.equal(
    [1, 2, 3].map((n) => backoffDelay(n, { initialDelayMs: 10, maxDelayMs: 25 })),
    [10, 20, 25],
  );
  assert.is(backoffDelay(10_000), 5000);
});

test('sleep resolves early when aborted, and at once when already aborted', async () => {
  const controller = new AbortController();
  const started = Date.now();
  const pending = sleep(10_000, controller.signal);
  setTimeout(() => controller.abort(), 10);
  await pending;
  assert.ok(Date.now() - started < 1_000);
  const t0 = Date.now();
  await sleep(10_000, controller.signal);
  assert.ok(Date.now() - t0 < 100);
});

test.run();
