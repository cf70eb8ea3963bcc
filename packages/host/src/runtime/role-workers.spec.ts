import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { projectionLoopStep } from './role-workers';

const runnerReading = (reads: ReadonlyArray<number | Error>) => {
  let next = 0;
  let resets = 0;
  return {
    batchSize: 200,
    step: async () => {
      const read = reads[next++]!;
      if (read instanceof Error) throw read;
      return read;
    },
    reset: () => void (resets += 1),
    resets: () => resets,
  };
};

test('a projection loop step goes on at once after a full batch and waits after a partial or empty one', async () => {
  const runner = runnerReading([200, 199, 1, 0]);
  const step = projectionLoopStep(runner);
  assert.equal([await step(), await step(), await step(), await step()], [200, 0, 0, 0]);
});

test('a failed projection step forgets the runner copy and throws to the loop', async () => {
  const runner = runnerReading([new Error('read failed')]);
  const step = projectionLoopStep(runner);
  try {
    await step();
    assert.unreachable('the step threw');
  } catch (error) {
    assert.is((error as Error).message, 'read failed');
  }
  assert.is(runner.resets(), 1);
});

test.run();
