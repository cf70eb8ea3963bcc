import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { InvalidInputError } from '../model/errors';
import { createWorkerLoop } from './worker-loop';

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

test('runs again at once while the step makes progress, then pauses for idleMs; stop cuts the pause short', async () => {
  let calls = 0;
  let left = 3;
  const worker = createWorkerLoop({
    name: 'w',
    step: async () => {
      calls += 1;
      return left-- > 0 ? 1 : 0;
    },
    idleMs: 10_000,
  });
  worker.start();
  await sleep(50);
  assert.is(calls, 4, 'three productive steps and one idle one, then the long pause');
  assert.ok(worker.running);
  const t0 = Date.now();
  await worker.stop();
  assert.ok(Date.now() - t0 < 1_000, 'stop cuts the pause short');
  assert.not.ok(worker.running);
  assert.is(worker.health().steps, 4);
});

test('a throwing step is reported and retried with backoff; the loop survives, and a throwing onError too', async () => {
  const errors: Array<readonly [string, number]> = [];
  const waits: number[] = [];
  let n = 0;
  let now = 0;
  const worker = createWorkerLoop({
    name: 'flaky',
    step: async () => {
      n += 1;
      if (n <= 3) throw new Error(`boom ${n}`);
      return 0;
    },
    idleMs: 10_000,
    backoff: { initialMs: 10, factor: 2, maxMs: 25 },
    wait: async (ms, signal) => {
      waits.push(ms);
      if (ms >= 10_000) await new Promise<void>((resolve) => signal?.addEventListener('abort', () => resolve()));
    },
    clock: { now: () => new Date(++now) },
    onError: (e, failures) => {
      errors.push([(e as Error).message, failures]);
      if (failures === 2) throw new Error('the handler itself fails');
    },
  });
  worker.start();
  await sleep(30);
  const during = worker.health();
  await worker.stop();
  assert.equal(errors, [
    ['boom 1', 1],
    ['boom 2', 2],
    ['boom 3', 3],
  ]);
  assert.equal(waits, [10, 20, 25, 10_000], 'doubling, capped; then the idle wait');
  assert.is(n, 4, 'the fourth run succeeded and went idle');
  assert.is(during.failures, 3);
  assert.is(during.consecutiveFailures, 0, 'reset by the success');
  assert.is((during.lastError as Error).message, 'boom 3');
  assert.is(during.lastFailureAt?.getTime(), 3);
  assert.is(during.lastSuccessAt?.getTime(), 4);
});

test('health counts consecutive failures while a step keeps failing', async () => {
  const worker = createWorkerLoop({
    name: 'down',
    step: async () => {
      throw new Error('down');
    },
    idleMs: 1,
    backoff: { initialMs: 1, maxMs: 1 },
  });
  worker.start();
  await sleep(40);
  const health = worker.health();
  await worker.stop();
  assert.ok(health.consecutiveFailures >= 3, `${health.consecutiveFailures} consecutive failures`);
  assert.is(health.consecutiveFailures, health.failures);
  assert.is(health.steps, 0);
  assert.is(health.lastSuccessAt, undefined, 'no clock, no times');
});

test('start twice runs one loop; stop waits for the step in flight, whose signal it aborts', async () => {
  let running = 0;
  let maxRunning = 0;
  let finished = 0;
  let sawAbort = false;
  const worker = createWorkerLoop({
    name: 'one',
    step: async (signal) => {
      running += 1;
      maxRunning = Math.max(maxRunning, running);
      await sleep(30);
      sawAbort = signal.aborted;
      running -= 1;
      finished += 1;
      return 1;
    },
    idleMs: 10_000,
  });
  worker.start();
  worker.start();
  await sleep(5);
  await worker.stop();
  assert.is(maxRunning, 1);
  assert.is(finished, 1, 'stop resolved after the step in flight finished, and no step ran after it');
  assert.ok(sawAbort, 'the step saw the stop');
  worker.start();
  await sleep(5);
  assert.ok(worker.running, 'a stopped loop may be started again');
  await worker.stop();
  assert.is(finished, 2);
});

test('wake cuts an idle wait short, and a wake during a step is not lost; it does not cut a backoff', async () => {
  let calls = 0;
  let wakeDuringStep = false;
  let fail = false;
  const worker = createWorkerLoop({
    name: 'wakeful',
    step: async () => {
      calls += 1;
      if (wakeDuringStep) {
        wakeDuringStep = false;
        worker.wake();
      }
      if (fail) {
        fail = false;
        throw new Error('fails once');
      }
      return 0;
    },
    idleMs: 60_000,
    backoff: { initialMs: 60_000 },
  });
  worker.start();
  await sleep(10);
  assert.is(calls, 1);
  worker.wake();
  await sleep(10);
  assert.is(calls, 2, 'woken from the idle wait');
  wakeDuringStep = true;
  worker.wake();
  await sleep(10);
  assert.is(calls, 4, 'the wake during step 3 made its idle wait end at once');
  fail = true;
  worker.wake();
  await sleep(10);
  assert.is(calls, 5);
  worker.wake();
  await sleep(10);
  assert.is(calls, 5, 'the backoff after a failure is not cut by wake');
  await worker.stop();
  assert.is(worker.health().failures, 1);
});

test('stop before start resolves at once', async () => {
  const worker = createWorkerLoop({ name: 'idle', step: async () => 0, idleMs: 5 });
  await worker.stop();
  assert.not.ok(worker.running);
});

test('bad options are refused with invalid_options naming the option', () => {
  const cases: ReadonlyArray<readonly [{ readonly name?: string; readonly idleMs?: number }, string]> = [
    [{ name: '' }, 'name'],
    [{ idleMs: -1 }, 'idleMs'],
    [{ idleMs: Number.POSITIVE_INFINITY }, 'idleMs'],
  ];
  for (const [bad, path] of cases) {
    try {
      createWorkerLoop({ step: async () => 0, name: bad.name ?? 'w', idleMs: bad.idleMs ?? 1 });
      assert.unreachable(path);
    } catch (error) {
      assert.instance(error, InvalidInputError);
      assert.is((error as InvalidInputError).code, 'invalid_options');
      assert.is((error as InvalidInputError).issues[0]?.path, path);
    }
  }
});

test.run();
