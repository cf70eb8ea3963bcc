import * as fc from 'fast-check';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import type { RecordedEvent } from '../event-store/recorded-event';
import {
  type AsyncProjectionStep,
  initialProjected,
  type Projection,
  projectBatch,
  projectionAsHandler,
  projectionHandles,
  rebuildProjection,
  runProjectionBatch,
} from './projection';

type Ev = { readonly type: 'Added'; readonly n: number } | { readonly type: 'Noted'; readonly text: string };

const recorded = (position: number, event: Ev): RecordedEvent<Ev> => ({
  streamId: `s-${position % 3}`,
  streamVersion: BigInt(position),
  globalPosition: BigInt(position),
  event,
  metadata: { eventId: `e${position}`, correlationId: 'c', causationId: 'c', occurredAt: '2024-01-01T00:00:00.000Z' },
});

/** Sums `Added` events and lists the positions it saw, so order and duplicates show. */
const total: Projection<Ev, { sum: number; seen: bigint[] }> = {
  name: 'total',
  initialState: { sum: 0, seen: [] },
  eventTypes: ['Added'],
  evolve: (m, r) => ({ sum: m.sum + (r.event.type === 'Added' ? r.event.n : 0), seen: [...m.seen, r.globalPosition] }),
};

/** A log of events at strictly increasing positions (with gaps, as real stores have). */
const logArb = fc
  .array(
    fc.tuple(
      fc.integer({ min: 1, max: 5 }),
      fc.oneof(
        fc.integer({ min: -10, max: 10 }).map((n): Ev => ({ type: 'Added', n })),
        fc.constant<Ev>({ type: 'Noted', text: 'x' }),
      ),
    ),
    { maxLength: 40 },
  )
  .map((steps) => {
    let position = 0;
    return steps.map(([gap, event]) => recorded((position += gap), event));
  });

test('projectBatch folds handled types, skips others without calling evolve, and advances the position', () => {
  const log = [
    recorded(1, { type: 'Added', n: 2 }),
    recorded(2, { type: 'Noted', text: 'x' }),
    recorded(4, { type: 'Added', n: 3 }),
  ];
  const out = projectBatch(total, initialProjected(total), log);
  assert.equal(out, { model: { sum: 5, seen: [1n, 4n] }, position: 4n });
});

test('projectBatch skips events at or before the position it reflects', () => {
  const from = { model: { sum: 10, seen: [3n] }, position: 3n };
  const out = projectBatch(total, from, [
    recorded(2, { type: 'Added', n: 100 }),
    recorded(3, { type: 'Added', n: 100 }),
    recorded(5, { type: 'Added', n: 1 }),
  ]);
  assert.equal(out, { model: { sum: 11, seen: [3n, 5n] }, position: 5n });
});

test('property: replaying any prefix again does not change the result', () => {
  fc.assert(
    fc.property(logArb, fc.nat(), (log, cut) => {
      const once = projectBatch(total, initialProjected(total), log);
      const prefix = log.slice(0, log.length === 0 ? 0 : cut % (log.length + 1));
      assert.equal(projectBatch(total, once, prefix), once);
    }),
  );
});

test('property: at-least-once delivery (overlapping windows, redelivered batches) gives the result of one pass', () => {
  // Each delivery starts at or before the first unprocessed event (a transport may redeliver,
  // never skip ahead) and has any length; whatever is left is delivered at the end.
  fc.assert(
    fc.property(
      logArb,
      fc.array(fc.tuple(fc.nat(10), fc.integer({ min: 1, max: 6 })), { maxLength: 15 }),
      (log, deliveries) => {
        const once = projectBatch(total, initialProjected(total), log);
        let state = initialProjected(total);
        let next = 0; // index of the first event not folded yet
        for (const [back, length] of deliveries) {
          const from = Math.max(0, next - back);
          const window = log.slice(from, from + length);
          state = projectBatch(total, state, window);
          next = Math.max(next, from + window.length);
        }
        state = projectBatch(total, state, log.slice(Math.max(0, next - 2)));
        assert.equal(state, once);
      },
    ),
  );
});

test('projectionHandles: no list means every type', () => {
  assert.ok(projectionHandles({}, 'Anything'));
  assert.ok(projectionHandles({ eventTypes: ['A'] }, 'A'));
  assert.not.ok(projectionHandles({ eventTypes: ['A'] }, 'B'));
});

test('rebuildProjection pages through readAll from position zero, after the last position of each page', async () => {
  const log = Array.from({ length: 7 }, (_, i) => recorded(i * 2 + 1, { type: 'Added', n: i }));
  const calls: Array<{ after?: bigint; maxCount: number }> = [];
  const readAll = async (options: { after?: bigint; maxCount: number }) => {
    calls.push(options);
    return log
      .filter((r) => options.after === undefined || r.globalPosition > options.after)
      .slice(0, options.maxCount);
  };
  const out = await rebuildProjection(total, readAll, 3);
  assert.equal(out.model.sum, 21);
  assert.equal(
    out.model.seen,
    log.map((r) => r.globalPosition),
  );
  assert.is(out.position, 13n);
  assert.equal(calls, [{ maxCount: 3 }, { after: 5n, maxCount: 3 }, { after: 11n, maxCount: 3 }]);
});

test('rebuildProjection stops on an empty page when the log is an exact multiple of the batch size', async () => {
  const log = Array.from({ length: 4 }, (_, i) => recorded(i + 1, { type: 'Added', n: 1 }));
  let calls = 0;
  const out = await rebuildProjection(
    total,
    async (o) => {
      calls += 1;
      return log.filter((r) => o.after === undefined || r.globalPosition > o.after).slice(0, o.maxCount);
    },
    2,
  );
  assert.is(out.model.sum, 4);
  assert.is(calls, 3);
  const empty = await rebuildProjection(total, async () => [], 2);
  assert.equal(empty, initialProjected(total));
});

test('projectionAsHandler applies a batch to the holder, skipping types the projection does not read', async () => {
  const holder = { model: total.initialState };
  const handler = projectionAsHandler(total, holder);
  assert.is(handler.name, 'total');
  assert.equal(handler.eventTypes, ['Added']);
  await handler.handle([recorded(1, { type: 'Added', n: 4 }), recorded(2, { type: 'Noted', text: 'x' })]);
  assert.equal(holder.model, { sum: 4, seen: [1n] });
});

test('runProjectionBatch reads after the checkpoint and commits the batch with its last position', async () => {
  const log = [
    recorded(3, { type: 'Added', n: 1 }),
    recorded(4, { type: 'Added', n: 1 }),
    recorded(9, { type: 'Added', n: 1 }),
  ];
  let checkpoint: bigint | undefined;
  const commits: Array<{ count: number; checkpoint: bigint; expected: bigint | undefined }> = [];
  const step: AsyncProjectionStep<Ev> = {
    loadCheckpoint: async () => checkpoint,
    readAll: async (o) => log.filter((r) => o.after === undefined || r.globalPosition > o.after).slice(0, o.maxCount),
    commit: async (events, cp, expected) => {
      commits.push({ count: events.length, checkpoint: cp, expected });
      checkpoint = cp;
    },
  };
  assert.is(await runProjectionBatch(step, 2), 2);
  assert.is(await runProjectionBatch(step, 2), 1);
  assert.is(await runProjectionBatch(step, 2), 0);
  assert.equal(commits, [
    { count: 2, checkpoint: 4n, expected: undefined },
    { count: 1, checkpoint: 9n, expected: 4n },
  ]);
});

test.run();
