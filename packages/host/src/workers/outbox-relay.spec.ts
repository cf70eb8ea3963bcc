import {
  createInMemoryEventStore,
  createInMemoryMessageBus,
  createInMemoryOutbox,
  createManualClock,
} from '@ordo/adapter-memory';
import { createOutboxRelay } from '@ordo/kernel';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { createSteppedOutboxRelay } from './outbox-relay';

const at = '2024-05-01T10:00:00.000Z';
const meta = (eventId: string) => ({ eventId, correlationId: 'c', causationId: 'c', occurredAt: at });

const appendTwo = async (store: ReturnType<typeof createInMemoryEventStore>) =>
  store.appendToStream('order-o1', [
    { event: { type: 'A' }, metadata: meta('e1') },
    { event: { type: 'B' }, metadata: meta('e2') },
  ]);

test('stepped: publish then mark; a crash in between publishes the batch again, in order', async () => {
  const outbox = createInMemoryOutbox({ clock: createManualClock(at) });
  const store = createInMemoryEventStore({ outbox });
  const bus = createInMemoryMessageBus();
  const relay = createSteppedOutboxRelay({ outbox, publisher: bus, owner: 'r1', batchSize: 10 });
  await appendTwo(store);
  assert.is(await relay.publish(), 2);
  assert.ok(relay.holding());
  assert.is(await outbox.pending(), 2, 'the mark is held back');
  relay.reset(); // crash before the mark
  assert.not.ok(relay.holding());
  assert.is(await relay.publish(), 2, 'the own unexpired claims come back');
  assert.is(await relay.mark(), 2);
  assert.not.ok(relay.holding());
  assert.is(await outbox.pending(), 0);
  assert.equal(
    bus.messages('order').map((m) => m.id),
    ['e1', 'e2', 'e1', 'e2'],
  );
  assert.is(await relay.publish(), 0);
  assert.not.ok(relay.holding(), 'an empty pass holds nothing');
  assert.is(await relay.mark(), 0);
});

test("the in-memory host's relay is the kernel's: drain publishes and marks everything", async () => {
  const outbox = createInMemoryOutbox({ clock: createManualClock(at) });
  const store = createInMemoryEventStore({ outbox });
  const bus = createInMemoryMessageBus();
  const relay = createOutboxRelay({ outbox, publisher: bus, owner: 'relay-1', batchSize: 1 });
  await appendTwo(store);
  assert.is(await relay.drain(), 2);
  assert.is(await outbox.pending(), 0);
  assert.equal(
    bus.messages('order').map((m) => m.id),
    ['e1', 'e2'],
  );
});

test.run();
