import * as assert from 'uvu/assert';
import { test } from 'uvu';
import { workerLoop } from './worker-loop';

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

test('runs again at once while the step makes progress, then pauses for idleMs', async () => {
  const calls: number[] = [];
  let left = 3;
  const worker = workerLoop({
    step: async () => {
      calls.push(Date.now());
      return left-- > 0 ? 1 : 0;
    },
    idleMs: 10_000,
  });
  worker.start();
  await sleep(50);
  assert.is(calls.length, 4, 'three productive steps and one idle one, then the long pause');
  const t0 = Date.now();
  await worker.stop();
  assert.ok(Date.now() - t0 < 1000, 'stop cuts the pause short');
  assert.not.ok(worker.running);
});

test('a throwing step is reported and retried with backoff; the loop survives', async () => {
  const errors: unknown[] = [];
  let n = 0;
  const worker = workerLoop({
    step: async () => {
      n++;
      if (n <= 2) throw new Error(`boom ${n}`);
      return 0;
    },
    idleMs: 10_000,
    errorBackoffMs: 10,
    onError: (e) => errors.push(e),
  });
  worker.start();
  await sleep(100);
  await worker.stop();
  assert.equal(
    errors.map((e) => (e as Error).message),
    ['boom 1', 'boom 2'],
  );
  assert.is(n, 3, 'the third run succeeded and went idle');
});

test('start twice runs one loop; stop waits for the running step', async () => {
  let running = 0;
  let maxRunning = 0;
  let finished = 0;
  const worker = workerLoop({
    step: async () => {
      running++;
      maxRunning = Math.max(maxRunning, running);
      await sleep(30);
      running--;
      finished++;
      return 0;
    },
    idleMs: 10_000,
  });
  worker.start();
  worker.start();
  await sleep(5);
  await worker.stop();
  assert.is(maxRunning, 1);
  assert.is(finished, 1, 'stop resolved after the step in flight finished');
});

test.run();
