import { InvalidInputError } from '@ordo/kernel';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { CHECKPOINT_EVENT_TYPE, EventStoreDbCheckpointStore } from './eventstoredb-checkpoint-store';
import { EventStoreDbEventStore } from '../event-store/eventstoredb-event-store';
import { FakeEventStoreDbClient, invalidOptions, thrown } from '../test-support';

const rejection = async (p: Promise<unknown>): Promise<unknown> =>
  p.then(
    () => undefined,
    (e: unknown) => e,
  );

test('load is undefined before the first save, then answers the last saved position', async () => {
  const client = new FakeEventStoreDbClient();
  const checkpoints = new EventStoreDbCheckpointStore(client, { streamPrefix: 'app-' });
  assert.is(await checkpoints.load('orders-projection'), undefined);
  await checkpoints.save('orders-projection', 1_200n);
  await checkpoints.save('orders-projection', 2n ** 64n + 5n);
  assert.is(await checkpoints.load('orders-projection'), 2n ** 64n + 5n);
  assert.is(await checkpoints.load('other'), undefined);
});

test('a checkpoint stream keeps one event ($maxCount 1), set once per process', async () => {
  const client = new FakeEventStoreDbClient();
  const checkpoints = new EventStoreDbCheckpointStore(client, { streamPrefix: 'app-' });
  for (let i = 0; i < 3; i++) await checkpoints.save('p', BigInt(i));
  assert.equal(client.streamMetadata('app-_ordo_checkpoint-p'), { maxCount: 1 });
  assert.is(client.metadataWrites('app-_ordo_checkpoint-p'), 1);
  // A new process finds the metadata in place and does not write it again.
  const again = new EventStoreDbCheckpointStore(client, { streamPrefix: 'app-' });
  await again.save('p', 9n);
  assert.is(client.metadataWrites('app-_ordo_checkpoint-p'), 1);
  assert.is(await again.load('p'), 9n);
});

test('checkpoint streams never show up in readAll', async () => {
  const client = new FakeEventStoreDbClient();
  const checkpoints = new EventStoreDbCheckpointStore(client, { streamPrefix: 'app-' });
  const store = new EventStoreDbEventStore(client, { streamPrefix: 'app-' });
  await checkpoints.save('p', 1n);
  assert.equal(await store.readAll(), []);
});

test('bad names and positions are refused; a corrupt stored checkpoint is reported, not guessed', async () => {
  const client = new FakeEventStoreDbClient();
  assert.equal(
    thrown(() => new EventStoreDbCheckpointStore(client, { streamPrefix: '$x' })),
    invalidOptions('streamPrefix'),
  );
  const checkpoints = new EventStoreDbCheckpointStore(client);
  assert.is(((await rejection(checkpoints.save('', 1n))) as InvalidInputError).code, 'invalid_checkpoint_name');
  assert.is(((await rejection(checkpoints.load('a\u0000b'))) as InvalidInputError).code, 'invalid_checkpoint_name');
  assert.is(((await rejection(checkpoints.save('p', -1n))) as InvalidInputError).code, 'invalid_position');
  assert.is(
    ((await rejection(checkpoints.save('p', 5 as unknown as bigint))) as InvalidInputError).code,
    'invalid_position',
  );
  client.appendRaw('_ordo_checkpoint-broken', CHECKPOINT_EVENT_TYPE, { position: 'twelve' });
  const error = await rejection(checkpoints.load('broken'));
  assert.instance(error, InvalidInputError);
  assert.is((error as InvalidInputError).code, 'corrupt_checkpoint');
  assert.is((error as InvalidInputError).issues[0]?.path, 'data.position');
});

test.run();
