import * as fc from 'fast-check';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import type { StreamState } from '../event-store/expected-version';
import { everyNEvents, neverSnapshot, type SnapshotPolicy } from './snapshot-policy';

/** The policy's answer for an append that took the stream from `before` events to `after` events. */
const decide = (policy: SnapshotPolicy, before: number, after: number): boolean =>
  policy({
    streamId: 's',
    previousVersion: (before === 0 ? 'no_stream' : BigInt(before - 1)) as StreamState,
    newVersion: BigInt(after - 1),
    snapshotVersion: undefined,
  });

test('everyNEvents(3): snapshots when the event count reaches or crosses a multiple of 3', () => {
  const policy = everyNEvents(3);
  assert.is(decide(policy, 0, 1), false, '0 -> 1 events');
  assert.is(decide(policy, 0, 2), false, '0 -> 2 events');
  assert.is(decide(policy, 0, 3), true, 'the first append lands on 3');
  assert.is(decide(policy, 2, 3), true, 'one event landing on 3');
  assert.is(decide(policy, 3, 4), false, 'leaving a multiple does not count');
  assert.is(decide(policy, 3, 5), false);
  assert.is(decide(policy, 5, 7), true, 'jumping over 6 counts');
  assert.is(decide(policy, 2, 9), true, 'crossing several multiples at once is one snapshot');
  assert.is(decide(policy, 6, 6 + 2), false);
});

test('everyNEvents(1) snapshots after every append', () => {
  const policy = everyNEvents(1);
  for (const [before, after] of [
    [0, 1],
    [1, 2],
    [7, 12],
  ] as const) {
    assert.ok(decide(policy, before, after));
  }
});

test('property: the policy fires exactly when some multiple of n lies in (before, after]', () => {
  fc.assert(
    fc.property(
      fc.integer({ min: 1, max: 50 }),
      fc.nat(10_000),
      fc.integer({ min: 1, max: 200 }),
      (n, before, added) => {
        const after = before + added;
        let crossed = false;
        for (let count = before + 1; count <= after; count++) if (count % n === 0) crossed = true;
        assert.is(decide(everyNEvents(n), before, after), crossed);
      },
    ),
  );
});

test('property: appending one event at a time snapshots once every n events', () => {
  fc.assert(
    fc.property(fc.integer({ min: 1, max: 20 }), fc.integer({ min: 0, max: 300 }), (n, total) => {
      const policy = everyNEvents(n);
      let snapshots = 0;
      for (let count = 1; count <= total; count++) if (decide(policy, count - 1, count)) snapshots += 1;
      assert.is(snapshots, Math.floor(total / n));
    }),
  );
});

test('everyNEvents refuses a non-positive or fractional n when the policy is built', () => {
  for (const bad of [0, -1, 1.5, Number.NaN, Number.POSITIVE_INFINITY]) {
    assert.throws(
      () => everyNEvents(bad),
      (e: unknown) => e instanceof RangeError,
      String(bad),
    );
  }
});

test('neverSnapshot never fires', () => {
  assert.is(decide(neverSnapshot, 0, 1000), false);
});

test.run();
