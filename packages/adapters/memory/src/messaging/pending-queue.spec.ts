import fc from 'fast-check';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { PendingQueue } from './pending-queue';

type Op =
  | { readonly kind: 'push'; readonly value: number }
  | { readonly kind: 'removeAt'; readonly index: number }
  | { readonly kind: 'insertAt'; readonly index: number; readonly value: number };

const op: fc.Arbitrary<Op> = fc.oneof(
  { weight: 4, arbitrary: fc.record({ kind: fc.constant('push' as const), value: fc.integer() }) },
  // Mostly the head (what every delivery without reordering takes), sometimes anywhere.
  {
    weight: 4,
    arbitrary: fc.record({
      kind: fc.constant('removeAt' as const),
      index: fc.oneof({ weight: 4, arbitrary: fc.constant(0) }, { weight: 1, arbitrary: fc.nat() }),
    }),
  },
  {
    weight: 1,
    arbitrary: fc.record({
      kind: fc.constant('insertAt' as const),
      index: fc.oneof(fc.constant(0), fc.nat()),
      value: fc.integer(),
    }),
  },
);

test('property: the queue holds what an array under push / splice holds, in the same order, for any operations', () => {
  // Invariant: after any sequence of push, removeAt and insertAt (indexes within bounds), the
  // queue's items in order and its length equal those of a plain array given the same splices,
  // and each removeAt returns the array's item. Runs of 3,000 to 8,000 operations on a queue of up
  // to 1,500 remove more than the compaction threshold (1,024) from its head without emptying it,
  // and insert at a moved head; the counters check both are reached.
  let compactedRuns = 0;
  let insertsAtHead = 0;
  fc.assert(
    fc.property(fc.nat({ max: 1_500 }), fc.array(op, { minLength: 3_000, maxLength: 8_000 }), (prefill, ops) => {
      const queue = new PendingQueue<number>();
      const model: number[] = [];
      // A prefilled queue rarely runs empty, so its head moves far before it is reset.
      for (let i = 0; i < prefill; i++) {
        queue.push(-i);
        model.push(-i);
      }
      let headRemovals = 0;
      let reachedThreshold = false;
      for (const o of ops) {
        if (o.kind === 'push') {
          queue.push(o.value);
          model.push(o.value);
        } else if (o.kind === 'removeAt') {
          if (model.length === 0) continue;
          const index = o.index % model.length;
          if (index === 0) headRemovals += 1;
          assert.is(queue.removeAt(index), model.splice(index, 1)[0]);
          if (model.length === 0) headRemovals = 0; // an empty queue starts again from a fresh array
          if (headRemovals > 1_024) reachedThreshold = true;
        } else {
          const index = o.index % (model.length + 1);
          if (index === 0 && headRemovals > 0) insertsAtHead += 1;
          queue.insertAt(index, o.value);
          model.splice(index, 0, o.value);
        }
        assert.is(queue.length, model.length);
      }
      if (reachedThreshold) compactedRuns += 1;
      assert.equal(
        Array.from({ length: queue.length }, (_, i) => queue.at(i)),
        model,
      );
    }),
    { numRuns: 40 },
  );
  assert.ok(compactedRuns > 0, 'some runs remove more than the compaction threshold from the head');
  assert.ok(insertsAtHead > 0, 'some runs insert at the head after removals (the moved-head path)');
});

test('a 100,000-long queue gives every item back from its head, in order', () => {
  const queue = new PendingQueue<number>();
  for (let i = 0; i < 100_000; i++) queue.push(i);
  for (let i = 0; i < 100_000; i++) assert.is(queue.removeAt(0), i);
  assert.is(queue.length, 0);
});

test.run();
