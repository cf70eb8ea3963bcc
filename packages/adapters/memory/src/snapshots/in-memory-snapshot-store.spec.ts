import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { createInMemorySnapshotStore } from './in-memory-snapshot-store';

test('one snapshot per stream and decider version; older saves are ignored', async () => {
  const store = createInMemorySnapshotStore();
  await store.save({ streamId: 'cart-1', version: 5n, deciderVersion: 'v1', state: { total: 5 } });
  await store.save({ streamId: 'cart-1', version: 3n, deciderVersion: 'v1', state: { total: 3 } });
  await store.save({ streamId: 'cart-1', version: 2n, deciderVersion: 'v2', state: { total: 2, v2: true } });
  assert.equal(await store.load('cart-1', 'v1'), {
    streamId: 'cart-1',
    version: 5n,
    deciderVersion: 'v1',
    state: { total: 5 },
  });
  assert.equal((await store.load('cart-1', 'v2'))?.state, { total: 2, v2: true });
  assert.is(await store.load('cart-1', 'v3'), undefined);
  assert.is(await store.load('cart-2', 'v1'), undefined);
  await store.save({ streamId: 'cart-1', version: 9n, deciderVersion: 'v1', state: { total: 9 } });
  assert.is((await store.load('cart-1', 'v1'))?.version, 9n);
  assert.is(store.entries().length, 2);
});

test('the stored state is isolated from the saver and from the loader', async () => {
  const store = createInMemorySnapshotStore();
  const state = { lines: [{ sku: 'a' }] };
  await store.save({ streamId: 's-1', version: 0n, deciderVersion: 'v1', state });
  state.lines.push({ sku: 'b' });
  const loaded = await store.load('s-1', 'v1');
  assert.equal(loaded?.state, { lines: [{ sku: 'a' }] });
  (loaded!.state as { lines: unknown[] }).lines.push('mutated by the loader');
  assert.equal((await store.load('s-1', 'v1'))?.state, { lines: [{ sku: 'a' }] });
});

test('state JSON cannot carry, and bad fields, are rejected and nothing is stored', async () => {
  const store = createInMemorySnapshotStore();
  const bad = [
    { streamId: 's-1', version: 0n, deciderVersion: 'v1', state: { at: new Date(0) } },
    { streamId: 's-1', version: 0n, deciderVersion: 'v1', state: { n: 1n } },
    { streamId: 's-1', version: 0n, deciderVersion: 'v1', state: undefined },
    { streamId: '', version: 0n, deciderVersion: 'v1', state: {} },
    { streamId: 's-1', version: -1n, deciderVersion: 'v1', state: {} },
    { streamId: 's-1', version: 0n, deciderVersion: '', state: {} },
  ];
  for (const snapshot of bad) {
    try {
      await store.save(snapshot);
      assert.unreachable('should reject');
    } catch (error) {
      assert.is((error as Error).name, 'InvalidInputError');
    }
  }
  assert.is(store.entries().length, 0);
});

test.run();
