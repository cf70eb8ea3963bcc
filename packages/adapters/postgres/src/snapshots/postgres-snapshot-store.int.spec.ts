import { accept, createCommandHandler, type Decider, everyNEvents, narrowStore, type Snapshot } from '@ordo/kernel';
import * as E from 'fp-ts/Either';
import * as fc from 'fast-check';
import * as assert from 'uvu/assert';
import { test } from 'uvu';
import { PostgresEventStore } from '../event-store/postgres-event-store';
import {
  type ExtrasDatabase,
  type ThrownError,
  invalidInput,
  invalidOptions,
  openExtrasDatabase,
  rejected,
  thrown,
} from '../test-support';
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

// A counter whose state is the sum of what was added: a stale snapshot shows in the total.
type Added = { readonly type: 'Added'; readonly amount: number };
const counter: Decider<{ readonly amount: number }, Added, number> = {
  initialState: 0,
  decide: (c) => accept({ type: 'Added', amount: c.amount }),
  evolve: (total, e) => total + e.amount,
};

test('a soft-deleted stream loses its snapshots in the same transaction; the handler then folds its new life alone', async () => {
  const events = new PostgresEventStore({ pool: db.pool, schema: db.schema });
  const handler = createCommandHandler({
    decider: counter,
    store: narrowStore<Added>(events),
    streamId: () => 'counter-1',
    snapshots: { store, deciderVersion: 'v1', policy: everyNEvents(2) },
  });
  let n = 0;
  const add = async (amount: number) => {
    const result = await handler.handle({ amount }, { commandId: `add-${++n}`, occurredAt: '2024-01-01T00:00:00Z' });
    if (E.isLeft(result)) throw new Error(result.left.message);
    return result.right;
  };
  for (let i = 0; i < 4; i++) await add(100);
  assert.equal(await store.load('counter-1', 'v1'), snap('counter-1', 3n, 400));
  await store.save(snap('other-stream', 7n, 1));

  assert.ok(await events.deleteStream('counter-1'));
  assert.is(await store.load('counter-1', 'v1'), undefined, 'the deleted stream has no snapshot left');
  assert.equal(await store.load('other-stream', 'v1'), snap('other-stream', 7n, 1), 'other streams keep theirs');

  // The stream starts again at revision 0 and grows past the old snapshot's version.
  for (let i = 0; i < 5; i++) await add(1);
  const loaded = await handler.load('counter-1');
  assert.equal(loaded, { state: 5, version: 4n });
  assert.equal(await store.load('counter-1', 'v1'), snap('counter-1', 3n, 4));
  await events.close();
});

test('bad input throws InvalidInputError and writes nothing', async () => {
  // A bad version or decider version of a snapshot is `invalid_snapshot`, as in the other adapters.
  const bad: ReadonlyArray<readonly [Snapshot, ThrownError]> = [
    [snap('', 1n, {}), invalidInput('empty_stream_id', 'streamId')],
    [snap('s', -1n, {}), invalidInput('invalid_snapshot', 'version')],
    [{ ...snap('s', 1n, {}), version: 1 as unknown as bigint }, invalidInput('invalid_snapshot', 'version')],
    [snap('s', 1n, { n: 10n }), invalidInput('not_serialisable', 'state.n')],
    [snap('s', 1n, { d: new Date(0) }), invalidInput('not_serialisable', 'state.d')],
    [snap('s', 1n, undefined), invalidInput('not_serialisable', 'state')],
    [snap('s', 1n, {}, ''), invalidInput('invalid_snapshot', 'deciderVersion')],
  ];
  for (const [s, error] of bad) {
    assert.equal(await rejected(() => store.save(s)), error, `${String(s.streamId)} ${String(s.version)}`);
  }
  assert.is(await store.load('s', 'v1'), undefined);
  assert.equal(await rejected(() => store.load('s', '')), invalidInput('invalid_decider_version', 'deciderVersion'));
  assert.equal(
    thrown(() => new PostgresSnapshotStore({ pool: db.pool, schema: 'Bad' })),
    invalidOptions('schema'),
  );
});

test.run();
