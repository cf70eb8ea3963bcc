import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { wait } from './wait';

test('wait resolves after the time', async () => {
  const started = Date.now();
  await wait(20);
  assert.ok(Date.now() - started >= 15);
});

test('wait resolves early once the signal aborts, and at once when it was aborted already', async () => {
  const controller = new AbortController();
  const started = Date.now();
  const pending = wait(10_000, controller.signal);
  setTimeout(() => controller.abort(), 10);
  assert.is(await pending, undefined);
  assert.ok(Date.now() - started < 2_000);
  const t0 = Date.now();
  await wait(10_000, controller.signal);
  assert.ok(Date.now() - t0 < 100);
});

test('zero, negative and NaN waits resolve at once; very long ones are still cut by the signal', async () => {
  const t0 = Date.now();
  await wait(0);
  await wait(-5);
  await wait(Number.NaN);
  assert.ok(Date.now() - t0 < 100);
  const controller = new AbortController();
  const pending = wait(Number.POSITIVE_INFINITY, controller.signal);
  let done = false;
  void pending.then(() => (done = true));
  await new Promise((r) => setTimeout(r, 20));
  assert.not.ok(done, 'an endless wait does not end by itself');
  controller.abort();
  await pending;
});

test.run();
