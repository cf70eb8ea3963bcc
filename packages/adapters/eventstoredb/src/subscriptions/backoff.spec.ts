import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { backoffDelay } from './backoff';

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
  assert.is(backoffDelay(0), 100, 'attempt 0 waits like the first');
});

test.run();
