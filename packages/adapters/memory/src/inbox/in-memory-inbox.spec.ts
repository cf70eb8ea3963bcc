import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { createInMemoryInbox } from './in-memory-inbox';

test('an effect runs once per consumer and message; a redelivery is a duplicate', async () => {
  const inbox = createInMemoryInbox();
  let runs = 0;
  const effect = async () => ++runs;
  assert.equal(await inbox.handleOnce('billing', 'm1', effect), { duplicate: false, result: 1 });
  assert.equal(await inbox.handleOnce('billing', 'm1', effect), { duplicate: true });
  assert.is(runs, 1);
  assert.ok(await inbox.has('billing', 'm1'));
  // Another consumer handles the same message on its own.
  assert.equal(await inbox.handleOnce('shipping', 'm1', effect), { duplicate: false, result: 2 });
  assert.equal(inbox.handled('billing'), ['m1']);
});

test('an effect that throws is not recorded, so a redelivery runs it again', async () => {
  const inbox = createInMemoryInbox();
  let attempts = 0;
  const flaky = async () => {
    attempts += 1;
    if (attempts === 1) throw new Error('downstream failed');
    return 'done';
  };
  try {
    await inbox.handleOnce('c', 'm1', flaky);
    assert.unreachable('the first attempt throws');
  } catch (error) {
    assert.match((error as Error).message, 'downstream failed');
  }
  assert.not.ok(await inbox.has('c', 'm1'));
  assert.equal(await inbox.handleOnce('c', 'm1', flaky), { duplicate: false, result: 'done' });
  assert.is(attempts, 2);
  // A synchronous throw is handled the same way.
  try {
    await inbox.handleOnce('c', 'm2', () => {
      throw new Error('sync');
    });
  } catch {
    // expected
  }
  assert.not.ok(await inbox.has('c', 'm2'));
});

test('concurrent deliveries of one message run the effect once', async () => {
  const inbox = createInMemoryInbox();
  let runs = 0;
  let release: () => void = () => undefined;
  const gate = new Promise<void>((resolve) => (release = resolve));
  const effect = async () => {
    runs += 1;
    await gate;
    return runs;
  };
  const all = Promise.all([1, 2, 3].map(() => inbox.handleOnce('c', 'm1', effect)));
  await Promise.resolve();
  release();
  const results = await all;
  assert.is(runs, 1);
  assert.equal(
    results.map((r) => r.duplicate),
    [false, true, true],
  );
});

test('when the delivery in flight fails, a concurrent one runs the effect', async () => {
  const inbox = createInMemoryInbox();
  let runs = 0;
  const first = inbox.handleOnce('c', 'm1', async () => {
    runs += 1;
    await Promise.resolve();
    throw new Error('first fails');
  });
  const second = inbox.handleOnce('c', 'm1', async () => {
    runs += 1;
    return 'second';
  });
  const [a, b] = await Promise.allSettled([first, second]);
  assert.is(a.status, 'rejected');
  assert.equal(b.status === 'fulfilled' ? b.value : undefined, { duplicate: false, result: 'second' });
  assert.is(runs, 2);
});

test('empty consumer or message ids are rejected', async () => {
  const inbox = createInMemoryInbox();
  for (const [consumer, id, code] of [
    ['', 'm', 'invalid_consumer'],
    ['c', '', 'invalid_message_id'],
  ] as const) {
    try {
      await inbox.handleOnce(consumer, id, async () => 1);
      assert.unreachable('should reject');
    } catch (error) {
      assert.is((error as { code?: string }).code, code);
    }
  }
});

test.run();
