import { createInMemoryEventStore } from '@ordo/adapter-memory';
import { type Projection, rebuildProjection } from '@ordo/kernel';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { createInMemoryProjectionStateStore, createProjectionRunner } from './projection-runner';

const at = '2024-05-01T10:00:00.000Z';
const counter: Projection<{ type: string }, Record<string, number>> = {
  name: 'counter',
  initialState: {},
  evolve: (m, e) => ({ ...m, [e.event.type]: (m[e.event.type] ?? 0) + 1 }),
};

test('batches resume from the stored position after a crash and equal a rebuild', async () => {
  const store = createInMemoryEventStore();
  for (let i = 0; i < 7; i++) {
    await store.appendToStream(`s-${i % 2}`, [
      {
        event: { type: i % 3 === 0 ? 'X' : 'Y' },
        metadata: { eventId: `e${i}`, correlationId: 'c', causationId: 'c', occurredAt: at },
      },
    ]);
  }
  const states = createInMemoryProjectionStateStore<Record<string, number>>();
  const runner = createProjectionRunner({ projection: counter, store, states, batchSize: 3 });
  assert.is(await runner.step(), 3);
  runner.reset();
  assert.is(await runner.step(), 3);
  assert.is(await runner.step(), 1);
  assert.is(await runner.step(), 0);
  const rebuilt = await rebuildProjection(counter, (o) => store.readAll(o));
  assert.equal((await runner.current()).model, rebuilt.model);
  assert.equal(rebuilt.model, { X: 3, Y: 4 });
});

test('a second runner that lost the race is refused instead of overwriting', async () => {
  const store = createInMemoryEventStore();
  await store.appendToStream('s', [
    { event: { type: 'X' }, metadata: { eventId: 'e1', correlationId: 'c', causationId: 'c', occurredAt: at } },
  ]);
  const states = createInMemoryProjectionStateStore<Record<string, number>>();
  const a = createProjectionRunner({ projection: counter, store, states });
  const b = createProjectionRunner({ projection: counter, store, states });
  await b.current();
  await a.step();
  await store.appendToStream('s', [
    { event: { type: 'X' }, metadata: { eventId: 'e2', correlationId: 'c', causationId: 'c', occurredAt: at } },
  ]);
  const refused = await b.step().then(
    () => undefined,
    (error: unknown) => error,
  );
  assert.instance(refused, Error);
  assert.match((refused as Error).message, /moved/);
});

test.run();
