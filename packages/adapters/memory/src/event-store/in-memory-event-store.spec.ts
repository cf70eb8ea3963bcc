import fc from 'fast-check';
import {
  type AnyEvent,
  type ExpectedVersion,
  InvalidInputError,
  type NewEvent,
  type RecordedEvent,
  type StreamState,
  WrongExpectedVersionError,
} from '@ordo/kernel';
import { satisfiesExpectedVersion } from '@ordo/kernel/adapter-kit';
import { eventStoreConformance } from '@ordo/kernel/testing';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { createInMemoryEventStore } from './in-memory-event-store';
import { createInMemoryOutbox } from '../outbox';
import { createInlineProjection } from '../projections';

eventStoreConformance(test, {
  create: async () => createInMemoryEventStore(),
  // An inline projection handler runs inside the append, after positions are drawn and before
  // the commit: the gap case holds appends there. (Appends with handlers are serialised, so the
  // held ones commit in position order; the case checks followers meanwhile.)
  createHeld: async (hold) =>
    createInMemoryEventStore({ inlineProjections: [{ name: 'conformance-hold', handle: (events) => hold(events) }] }),
});

const meta = (eventId: string, extra: Record<string, unknown> = {}) => ({
  eventId,
  correlationId: 'corr',
  causationId: 'cause',
  occurredAt: '2024-01-01T00:00:00.000Z',
  ...extra,
});
const ev = (eventId: string, type = 'Happened', data: Record<string, unknown> = {}): NewEvent => ({
  event: { type, ...data },
  metadata: meta(eventId),
});

const rejects = async (action: () => Promise<unknown>): Promise<unknown> => {
  try {
    await action();
  } catch (error) {
    return error;
  }
  throw new Error('expected a rejection');
};

test('positions start at 1n and have no gaps; helpers list streams and events', async () => {
  const store = createInMemoryEventStore();
  assert.is(store.lastPosition(), 0n);
  await store.appendToStream('a-1', [ev('e1'), ev('e2')]);
  await store.appendToStream('b-1', [ev('e3')]);
  assert.equal(
    store.allEvents().map((e) => e.globalPosition),
    [1n, 2n, 3n],
  );
  assert.is(store.lastPosition(), 3n);
  assert.equal(store.streamIds(), ['a-1', 'b-1']);
  assert.equal((await store.readAll({ after: 0n })).length, 3, 'after: 0n means from the start');
  assert.equal(await store.readAll({ after: 3n }), []);
  assert.equal(await store.readAll({ after: 99n }), []);
  assert.equal(
    (await store.readAll({ after: 1n, maxCount: 1 })).map((e) => e.metadata.eventId),
    ['e2'],
  );
});

test('stored events are isolated from the caller: copied on append, frozen on read', async () => {
  const store = createInMemoryEventStore();
  const data = { type: 'Added', lines: [{ sku: 'a', qty: 1 }], note: 'x' };
  const metadata = meta('e1', { headers: { h: 'v' } });
  await store.appendToStream('cart-1', [{ event: data, metadata }]);
  data.lines[0]!.qty = 99;
  data.lines.push({ sku: 'b', qty: 2 });
  data.note = 'changed';
  (metadata as unknown as { headers: Record<string, string> }).headers.h = 'changed';
  const [read] = await store.readStream('cart-1');
  assert.equal(read!.event, { type: 'Added', lines: [{ sku: 'a', qty: 1 }], note: 'x' });
  assert.is(read!.metadata.headers?.h, 'v');
  const lines = (read!.event as unknown as { lines: Array<{ qty: number }> }).lines;
  assert.throws(() => {
    lines[0]!.qty = 5;
  }, TypeError);
  assert.throws(() => {
    lines.push({ qty: 1 });
  }, TypeError);
  assert.throws(() => {
    (read as { streamVersion: bigint }).streamVersion = 7n;
  }, TypeError);
  assert.is((await store.readStream('cart-1'))[0]!.streamVersion, 0n);
});

test('an event over maxEventBytes is rejected and nothing is written', async () => {
  const store = createInMemoryEventStore({ maxEventBytes: 1_000 });
  await store.appendToStream('s-1', [ev('small', 'Small', { text: 'x'.repeat(100) })]);
  const error = await rejects(() =>
    store.appendToStream('s-1', [ev('ok', 'Ok'), ev('big', 'Big', { text: 'é'.repeat(600) })]),
  );
  assert.instance(error, InvalidInputError);
  assert.is((error as InvalidInputError).code, 'event_too_large');
  assert.is(store.lastPosition(), 1n);
});

test('invalid read options are rejected with InvalidInputError', async () => {
  const store = createInMemoryEventStore();
  for (const options of [{ maxCount: -1 }, { maxCount: 1.5 }, { fromVersion: -1n }, { direction: 'sideways' }]) {
    const error = await rejects(() => store.readStream('s-1', options as never));
    assert.is((error as InvalidInputError).code, 'invalid_read_options', JSON.stringify(String(options)));
  }
  assert.is(((await rejects(() => store.readStream(''))) as InvalidInputError).code, 'empty_stream_id');
  assert.is(
    ((await rejects(() => store.readAll({ after: 1 as never }))) as InvalidInputError).code,
    'invalid_read_options',
  );
});

test('pure inline projections move with the append, and a throwing one undoes it', async () => {
  const counts = createInlineProjection<AnyEvent, Record<string, number>>({
    name: 'counts',
    initialState: {},
    evolve: (model, e) => {
      if (e.event.type === 'Poison') throw new Error('cannot project Poison');
      return { ...model, [e.event.type]: (model[e.event.type] ?? 0) + 1 };
    },
  });
  const store = createInMemoryEventStore({ inlineProjections: [counts] });
  await store.appendToStream('p-1', [ev('e1', 'A'), ev('e2', 'B'), ev('e3', 'A')]);
  assert.equal(counts.model(), { A: 2, B: 1 });
  assert.is(counts.current().position, 3n);
  const error = await rejects(() => store.appendToStream('p-1', [ev('e4', 'A'), ev('e5', 'Poison')]));
  assert.match((error as Error).message, 'cannot project Poison');
  assert.equal(counts.model(), { A: 2, B: 1 }, 'the model is unchanged');
  assert.is(store.lastPosition(), 3n, 'nothing was written');
  assert.equal(await store.readStream('p-1', { fromVersion: 3n }), []);
  // The ids of the undone append are free again.
  await store.appendToStream('p-1', [ev('e4', 'A')], { expectedVersion: 2n });
  assert.equal(counts.model(), { A: 3, B: 1 });
});

test('inline projection handlers run inside the append; a throwing handler undoes it', async () => {
  const seen: string[] = [];
  const store = createInMemoryEventStore({
    inlineProjections: [
      {
        name: 'audit',
        eventTypes: ['A', 'Poison'],
        handle: async (events) => {
          await Promise.resolve();
          if (events.some((e) => e.event.type === 'Poison')) throw new Error('poisoned');
          seen.push(...events.map((e) => e.metadata.eventId));
        },
      },
    ],
  });
  await Promise.all([
    store.appendToStream('h-1', [ev('e1', 'A'), ev('e2', 'B')], { expectedVersion: 'no_stream' }),
    store.appendToStream('h-1', [ev('e3', 'A')], { expectedVersion: 1n }),
  ]);
  assert.equal(seen, ['e1', 'e3'], 'handlers see only their event types, appends are serialised');
  const error = await rejects(() => store.appendToStream('h-1', [ev('e4', 'A'), ev('e5', 'Poison')]));
  assert.match((error as Error).message, 'poisoned');
  assert.is(store.lastPosition(), 3n, 'nothing was written');
  const conflict = await rejects(() => store.appendToStream('h-1', [ev('e6')], { expectedVersion: 0n }));
  assert.instance(conflict, WrongExpectedVersionError, 'the queue keeps working after a failure');
  await store.appendToStream('h-1', [ev('e4', 'A')], { expectedVersion: 2n });
  assert.equal(seen, ['e1', 'e3', 'e4']);
});

test('outbox rows are written in the same step as the events, or not at all', async () => {
  const outbox = createInMemoryOutbox();
  const store = createInMemoryEventStore({
    outbox,
    outboxRouting: (e) => {
      if (e.event.type === 'Explode') throw new Error('routing failed');
      return e.event.type === 'Internal' ? undefined : { topic: `topic-${e.streamId.split('-')[0]}` };
    },
  });
  await store.appendToStream('order-1', [ev('e1', 'Placed'), ev('e2', 'Internal'), ev('e3', 'Paid')]);
  const rows = outbox.entries().map((r) => r.message);
  assert.equal(
    rows.map((m) => [m.id, m.topic, m.key, m.streamVersion, m.globalPosition]),
    [
      ['e1', 'topic-order', 'order-1', 0n, 1n],
      ['e3', 'topic-order', 'order-1', 2n, 3n],
    ],
  );
  assert.is(await outbox.pending(), 2);
  // Routing fails: neither the events nor rows are written.
  await rejects(() => store.appendToStream('order-1', [ev('e4', 'Shipped'), ev('e5', 'Explode')]));
  assert.is(store.lastPosition(), 3n);
  assert.is(await outbox.pending(), 2);
  // The outbox refuses (an id it already holds): the events are not written either.
  outbox.add([{ ...rows[0]!, id: 'e6' }]);
  const refused = await rejects(() => store.appendToStream('order-1', [ev('e6', 'Shipped')]));
  assert.is((refused as InvalidInputError).code, 'duplicate_message_id');
  assert.is(store.lastPosition(), 3n);
  // An idempotent retry adds no second row.
  await store.appendToStream('order-1', [ev('e1', 'Placed'), ev('e2', 'Internal'), ev('e3', 'Paid')], {
    expectedVersion: 'no_stream',
  });
  assert.is(await outbox.pending(), 3);
});

test('a live subscription misses no event appended while it is busy', async () => {
  const store = createInMemoryEventStore();
  const got: bigint[] = [];
  let done: () => void = () => undefined;
  const all = new Promise<void>((resolve) => (done = resolve));
  const sub = store.subscribeToAll({
    batchSize: 7,
    onEvent: async (e) => {
      got.push(e.globalPosition);
      if (got.length % 3 === 0) await Promise.resolve();
      if (got.length === 500) done();
    },
  });
  await sub.caughtUp;
  for (let i = 0; i < 250; i++) {
    await store.appendToStream(`s-${i % 5}`, [ev(`a${i}`)]);
    void store.appendToStream(`t-${i % 5}`, [ev(`b${i}`)]);
  }
  await all;
  await sub.stop();
  assert.equal(
    got,
    Array.from({ length: 500 }, (_, i) => BigInt(i + 1)),
  );
});

test('a long catch-up lets timers run in between', async () => {
  const store = createInMemoryEventStore();
  for (let i = 0; i < 100; i++) {
    await store.appendToStream(
      `s-${i}`,
      Array.from({ length: 100 }, (_, k) => ev(`e${i}-${k}`)),
    );
  }
  let timerFired = false;
  setTimeout(() => (timerFired = true), 0);
  let deliveredBeforeTimer = 0;
  const sub = store.subscribeToAll({
    batchSize: 50,
    onEvent: () => {
      if (!timerFired) deliveredBeforeTimer += 1;
    },
  });
  await sub.caughtUp;
  await sub.stop();
  assert.ok(timerFired);
  assert.ok(deliveredBeforeTimer < 10_000, 'the timer ran before the catch-up ended');
});

test('versions and positions past the shared small bigints (2^16) stay exact', async () => {
  const store = createInMemoryEventStore();
  const batch = 1000;
  const total = 70_000;
  for (let from = 0; from < total; from += batch) {
    const result = await store.appendToStream(
      'long-1',
      Array.from({ length: batch }, (_, k) => ev(`long-${from + k}`)),
      { expectedVersion: from === 0 ? 'no_stream' : BigInt(from - 1) },
    );
    assert.is(result.nextExpectedVersion, BigInt(from + batch - 1));
    assert.is(result.position, BigInt(from + batch));
  }
  const around = await store.readStream('long-1', { fromVersion: 65_534n, maxCount: 4 });
  assert.equal(
    around.map((e) => [e.streamVersion, e.globalPosition]),
    [
      [65_534n, 65_535n],
      [65_535n, 65_536n],
      [65_536n, 65_537n],
      [65_537n, 65_538n],
    ],
  );
  const next = await store.appendToStream('long-1', [ev('after')], { expectedVersion: 69_999n });
  assert.equal(next, { nextExpectedVersion: 70_000n, position: 70_001n });
  const conflict = await rejects(() => store.appendToStream('long-1', [ev('late')], { expectedVersion: 69_999n }));
  assert.instance(conflict, WrongExpectedVersionError);
  assert.is((conflict as WrongExpectedVersionError).actual, 70_000n);
  // A retry of an old batch, and a store-wide duplicate, found among 70k ids.
  const retry = await store.appendToStream(
    'long-1',
    Array.from({ length: batch }, (_, k) => ev(`long-${66_000 + k}`)),
    { expectedVersion: 65_999n },
  );
  assert.equal(retry, { nextExpectedVersion: 66_999n, position: 67_000n });
  const duplicate = await rejects(() => store.appendToStream('other-1', [ev('long-12345')]));
  assert.is((duplicate as InvalidInputError).code, 'duplicate_event_id');
  assert.is(store.lastPosition(), 70_001n);
});

/**
 * Model of the idempotency rule, written independently of the store: the store must agree with
 * it on the outcome of any sequence of appends, retries and id reuses.
 */
type Outcome = { ok: bigint } | { conflict: StreamState } | { duplicate: true };
const modelAppend = (
  streams: Map<string, string[]>,
  owner: Map<string, string>,
  streamId: string,
  ids: ReadonlyArray<string>,
  expected: ExpectedVersion,
): Outcome => {
  const stream = streams.get(streamId) ?? [];
  const current: StreamState = stream.length === 0 ? 'no_stream' : BigInt(stream.length - 1);
  const p = owner.get(ids[0]!) === streamId ? stream.indexOf(ids[0]!) : -1;
  if (p >= 0 && ids.every((id, i) => stream[p + i] === id)) {
    if (satisfiesExpectedVersion(expected, p === 0 ? 'no_stream' : BigInt(p - 1)))
      return { ok: BigInt(p + ids.length - 1) };
  }
  if (!satisfiesExpectedVersion(expected, current)) return { conflict: current };
  if (ids.some((id) => owner.has(id))) return { duplicate: true };
  streams.set(streamId, [...stream, ...ids]);
  for (const id of ids) owner.set(id, streamId);
  return { ok: BigInt(stream.length + ids.length - 1) };
};

test('property: the store follows the idempotency rule for any sequence of appends', async () => {
  const step = fc.record({
    stream: fc.constantFrom('s-0', 's-1', 's-2'),
    ids: fc.uniqueArray(fc.integer({ min: 0, max: 12 }), { minLength: 1, maxLength: 3 }),
    expected: fc.oneof(
      fc.constantFrom<ExpectedVersion>('any', 'no_stream', 'stream_exists'),
      fc.bigInt({ min: 0n, max: 6n }),
    ),
  });
  await fc.assert(
    fc.asyncProperty(fc.array(step, { maxLength: 30 }), async (steps) => {
      const store = createInMemoryEventStore();
      const streams = new Map<string, string[]>();
      const owner = new Map<string, string>();
      for (const s of steps) {
        const ids = s.ids.map((i) => `id-${i}`);
        const expected = modelAppend(streams, owner, s.stream, ids, s.expected);
        let actual: Outcome;
        try {
          const result = await store.appendToStream(
            s.stream,
            ids.map((id) => ev(id)),
            { expectedVersion: s.expected },
          );
          actual = { ok: result.nextExpectedVersion };
          const stored = (await store.readStream(s.stream))[Number(result.nextExpectedVersion)];
          assert.is(result.position, stored!.globalPosition, 'position of the last event');
        } catch (error) {
          if (error instanceof WrongExpectedVersionError) actual = { conflict: error.actual };
          else if (error instanceof InvalidInputError && error.code === 'duplicate_event_id')
            actual = { duplicate: true };
          else throw error;
        }
        assert.equal(actual, expected);
      }
      const all = await store.readAll();
      assert.equal(
        all.map((e) => e.globalPosition),
        all.map((_, i) => BigInt(i + 1)),
        'positions are contiguous from 1n',
      );
      for (const [id, events] of streams) {
        assert.equal(
          (await store.readStream(id)).map((e: RecordedEvent) => e.metadata.eventId),
          events,
        );
      }
    }),
    { numRuns: 300 },
  );
});

test.run();
