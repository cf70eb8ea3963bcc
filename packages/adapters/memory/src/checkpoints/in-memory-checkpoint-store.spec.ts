import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { createInMemoryCheckpointStore } from './in-memory-checkpoint-store';

test('checkpoints are saved, moved on and deleted by name', async () => {
  const store = createInMemoryCheckpointStore();
  assert.is(await store.load('orders'), undefined);
  await store.save('orders', 10n);
  await store.save('stock', 3n);
  assert.is(await store.load('orders'), 10n);
  await store.save('orders', 0n);
  assert.is(await store.load('orders'), 10n, 'a lower save is ignored: a checkpoint never moves backwards');
  await store.delete('orders');
  assert.is(await store.load('orders'), undefined);
  assert.equal([...store.entries()], [['stock', 3n]]);
});

test('bad names and positions are rejected', async () => {
  const store = createInMemoryCheckpointStore();
  for (const [name, position] of [
    ['', 1n],
    [' ', 1n],
    ['x', -1n],
    ['x', 5 as unknown as bigint],
  ] as const) {
    try {
      await store.save(name, position);
      assert.unreachable('should reject');
    } catch (error) {
      assert.ok(['invalid_checkpoint_name', 'invalid_position'].includes((error as { code: string }).code));
    }
  }
  assert.is(store.entries().size, 0);
});

test.run();
