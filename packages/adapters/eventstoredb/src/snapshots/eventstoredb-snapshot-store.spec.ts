import type { InvalidInputError, Snapshot } from '@ordo/kernel';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { EventStoreDbEventStore } from '../event-store/eventstoredb-event-store';
import { EventStoreDbSnapshotStore, SNAPSHOT_EVENT_TYPE } from './eventstoredb-snapshot-store';
import { FakeEventStoreDbClient, invalidOptions, thrown } from '../test-support';

const snap = (version: bigint, deciderVersion = 'v1', state: unknown = { total: Number(version) }): Snapshot => ({
  streamId: 'order-1',
  version,
  deciderVersion,
  state,
});
const rejection = async (p: Promise<unknown>): Promise<unknown> =>
  p.then(
    () => undefined,
    (e: unknown) => e,
  );

test('save then load round trips version, decider version and state', async () => {
  const snapshots = new EventStoreDbSnapshotStore(new FakeEventStoreDbClient(), { streamPrefix: 'app-' });
  assert.is(await snapshots.load('order-1', 'v1'), undefined);
  await snapshots.save(snap(4n, 'v1', { lines: [{ sku: 'A', qty: 2 }], note: null }));
  assert.equal(await snapshots.load('order-1', 'v1'), snap(4n, 'v1', { lines: [{ sku: 'A', qty: 2 }], note: null }));
});

test('snapshots of another decider version are ignored, and an older snapshot does not replace a newer one', async () => {
  const snapshots = new EventStoreDbSnapshotStore(new FakeEventStoreDbClient());
  await snapshots.save(snap(10n, 'v1'));
  await snapshots.save(snap(3n, 'v2'));
  await snapshots.save(snap(7n, 'v1'));
  assert.is((await snapshots.load('order-1', 'v1'))?.version, 10n);
  assert.is((await snapshots.load('order-1', 'v2'))?.version, 3n);
  assert.is(await snapshots.load('order-1', 'v3'), undefined);
  await snapshots.save(snap(12n, 'v1'));
  assert.is((await snapshots.load('order-1', 'v1'))?.version, 12n);
});

test('the snapshot stream is capped ($maxCount = keep) and invisible to readAll', async () => {
  const client = new FakeEventStoreDbClient();
  const snapshots = new EventStoreDbSnapshotStore(client, { streamPrefix: 'app-', keep: 3 });
  for (let v = 0n; v < 5n; v++) await snapshots.save(snap(v));
  assert.equal(client.streamMetadata('app-_ordo_snapshot-order-1'), { maxCount: 3 });
  assert.is((await snapshots.load('order-1', 'v1'))?.version, 4n);
  assert.equal(await new EventStoreDbEventStore(client, { streamPrefix: 'app-' }).readAll(), []);
});

test('bad snapshots are refused naming the field; corrupt stored ones are reported', async () => {
  const client = new FakeEventStoreDbClient();
  const snapshots = new EventStoreDbSnapshotStore(client);
  const code = async (s: unknown) =>
    ((await rejection(snapshots.save(s as Snapshot))) as InvalidInputError | undefined)?.issues[0]?.path;
  assert.is(await code({ ...snap(1n), version: 1 }), 'version');
  assert.is(await code({ ...snap(1n), deciderVersion: '' }), 'deciderVersion');
  assert.is(await code({ ...snap(1n), state: { at: new Date(0) } }), 'state.at');
  assert.is(await code({ ...snap(1n), streamId: '' }), 'streamId');
  assert.is(client.calls.appendToStream, 0);
  client.appendRaw('_ordo_snapshot-order-1', SNAPSHOT_EVENT_TYPE, { deciderVersion: 'v1', version: '-3', state: {} });
  const error = await rejection(snapshots.load('order-1', 'v1'));
  assert.is((error as InvalidInputError).code, 'corrupt_snapshot');
  assert.is((error as InvalidInputError).issues[0]?.path, 'data.version');
  assert.equal(
    thrown(() => new EventStoreDbSnapshotStore(client, { keep: 0 })),
    invalidOptions('keep'),
  );
  assert.equal(
    thrown(() => new EventStoreDbSnapshotStore(client, { streamPrefix: '$x' })),
    invalidOptions('streamPrefix'),
  );
});

test.run();
