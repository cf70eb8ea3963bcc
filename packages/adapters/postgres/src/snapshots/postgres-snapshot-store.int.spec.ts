import { InvalidInputError, type Snapshot } from '@ordo/kernel';
import * as fc from 'fast-check';
import * as assert from 'uvu/assert';
import { test } from 'uvu';
import { type ExtrasDatabase, openExtrasDatabase } from '../test-support/extras-database';
import { PostgresSnapshotStore } from './postgres-snapshot-store';

let db: ExtrasDatabase;
let store: PostgresSnapshotStore;
test.before(async () => {
  db = await openExtrasDatabase('pg_snapshots');
  store = new PostgresSnapshotStore({ pool: db.pool, schema: db.schema });
});
test.after(async () => {
  await db.close();
});

const snap = (streamId: string, version: bigint, state: unknown, deciderVersion = 'v1'): Snapshot => ({
  streamId,
  version,
  deciderVersion,
  state,
});

test('load answers undefined before any save, then the saved snapshot with its state', async () => {
  assert.is(await store.load('cart-1', 'v1'), undefined);
  await store.save(snap('cart-1', 3n, { items: [{ sku: 'a', qty: 2 }], note: 'é' }));
  assert.equal(await store.load('cart-1', 'v1'), snap('cart-1', 3n, { items: [{ sku: 'a', qty: 2 }], note: 'é' }));
  assert.is(await store.load('cart-1', 'v2'), undefined, 'another decider version does not see it');
});

/** Invariant: whatever order saves arrive in (also concurrently), the stored snapshot is the newest. */
test('newest wins: after saves in any order the stored version is the highest', async () => {
  let run = 0;
  await fc.assert(
    fc.asyncProperty(
      fc.uniqueArray(fc.bigInt({ min: 0n, max: 10_000n }), { minLength: 1, maxLength: 8 }),
      async (versions) => {
        const streamId = `prop-${run++}`;
        await Promise.all(versions.map((v) => store.save(snap(streamId, v, { v: Number(v) }))));
        const max = versions.reduce((a, b) => (a > b ? a : b));
        const loaded = await store.load(streamId, 'v1');
        assert.equal(loaded, snap(streamId, max, { v: Number(max) }));
      },
    ),
    { numRuns: 30 },
  );
});

test('an older snapshot is ignored; decider versions are kept apart', async () => {
  await store.save(snap('order-9', 10n, 'ten'));
  await store.save(snap('order-9', 4n, 'four'));
  await store.save(snap('order-9', 2n, 'two', 'v2'));
  assert.equal((await store.load('order-9', 'v1'))?.state, 'ten');
  assert.equal((await store.load('order-9', 'v2'))?.state, 'two');
});

test('bad input throws InvalidInputError and writes nothing', async () => {
  const bad: ReadonlyArray<Snapshot> = [
    snap('', 1n, {}),
    snap('s', -1n, {}),
    snap('s', 1n, { n: 10n }),
    snap('s', 1n, { d: new Date(0) }),
    snap('s', 1n, undefined),
    snap('s', 1n, {}, ''),
  ];
  for (const s of bad) {
    try {
      await store.save(s);
      assert.unreachable(`accepted ${String(s.streamId)}`);
    } catch (e) {
      assert.instance(e, InvalidInputError);
    }
  }
  assert.is(await store.load('s', 'v1'), undefined);
});

test.run();
