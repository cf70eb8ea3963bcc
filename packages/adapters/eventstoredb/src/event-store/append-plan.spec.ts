import { type ExpectedVersion, type StreamState } from '@ordo/kernel';
import { satisfiesExpectedVersion } from '@ordo/kernel/adapter-kit';
import fc from 'fast-check';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { planAppend, type StoredEventRef } from './append-plan';

/** A stream holding these ids at versions 0.. (ref = the version, standing in for a position). */
const streamOf = (ids: ReadonlyArray<string>): StoredEventRef<bigint>[] =>
  ids.map((eventId, i) => ({ version: BigInt(i), eventId, ref: BigInt(i) * 100n }));
const stateOf = (ids: ReadonlyArray<string>): StreamState => (ids.length === 0 ? 'no_stream' : BigInt(ids.length - 1));
const plan = (ids: ReadonlyArray<string>, append: ReadonlyArray<string>, expected: ExpectedVersion) =>
  planAppend(streamOf(ids), stateOf(ids), append, expected);

test('a new stream is written expecting no stream', () => {
  assert.equal(plan([], ['a'], 'no_stream'), { kind: 'write', expectedState: 'no_stream' });
  assert.equal(plan([], ['a'], 'any'), { kind: 'write', expectedState: 'no_stream' });
});

test("'any' is written expecting the revision read, so nothing slips in between", () => {
  assert.equal(plan(['a', 'b'], ['c'], 'any'), { kind: 'write', expectedState: 1n });
  assert.equal(plan(['a', 'b'], ['c'], 'stream_exists'), { kind: 'write', expectedState: 1n });
});

test('(a) the same ids at the same expectation are an idempotent success answering the stored version and position', () => {
  const result = plan(['a', 'b', 'c'], ['b', 'c'], 0n);
  assert.is(result.kind, 'idempotent');
  assert.ok(result.kind === 'idempotent' && result.nextExpectedVersion === 2n && result.last.ref === 200n);
  assert.is(plan(['a', 'b'], ['a', 'b'], 'no_stream').kind, 'idempotent');
  assert.is(plan(['a', 'b'], ['a', 'b'], 'any').kind, 'idempotent');
  assert.is(plan(['x', 'a'], ['a'], 'stream_exists').kind, 'idempotent');
});

test('(a) does not apply when the expectation did not hold before the stored run', () => {
  // 'a' sits at version 0, the state before it was no_stream, not 5n.
  assert.equal(plan(['a'], ['a'], 5n), { kind: 'conflict', actual: 0n });
  // stream_exists was not true before version 0.
  assert.equal(plan(['a'], ['a'], 'stream_exists'), { kind: 'duplicate', eventId: 'a', version: 0n });
});

test('(a) does not apply to a partial or reordered match', () => {
  assert.equal(plan(['a', 'b'], ['a', 'c'], 'no_stream'), { kind: 'conflict', actual: 1n });
  assert.equal(plan(['a', 'b'], ['a', 'b', 'c'], 'any'), { kind: 'duplicate', eventId: 'a', version: 0n });
  assert.equal(plan(['a', 'b'], ['b', 'a'], 'any'), { kind: 'duplicate', eventId: 'a', version: 0n });
});

test('(b) an unmet expectation is a conflict reporting the real current state', () => {
  assert.equal(plan(['a', 'b'], ['c'], 0n), { kind: 'conflict', actual: 1n });
  assert.equal(plan([], ['c'], 'stream_exists'), { kind: 'conflict', actual: 'no_stream' });
  assert.equal(plan(['a'], ['c'], 'no_stream'), { kind: 'conflict', actual: 0n });
});

test('(c) an id already in the stream at a met expectation is a duplicate', () => {
  assert.equal(plan(['a', 'b'], ['c', 'a'], 1n), { kind: 'duplicate', eventId: 'a', version: 0n });
});

test('a window of the most recent events is planned on as given (versions need not start at 0)', () => {
  const window: StoredEventRef<string>[] = [
    { version: 10n, eventId: 'k', ref: 'p10' },
    { version: 11n, eventId: 'l', ref: 'p11' },
  ];
  const result = planAppend(window, 11n, ['l'], 10n);
  assert.ok(result.kind === 'idempotent' && result.last.ref === 'p11');
  assert.equal(planAppend(window, 11n, ['m'], 11n), { kind: 'write', expectedState: 11n });
});

const idArb = fc.constantFrom('a', 'b', 'c', 'd', 'e', 'f', 'g', 'h');
const expectedArb: fc.Arbitrary<ExpectedVersion> = fc.oneof(
  fc.constantFrom<ExpectedVersion>('any', 'no_stream', 'stream_exists'),
  fc.bigInt({ min: 0n, max: 8n }),
);
const scenario = fc.record({
  stored: fc.uniqueArray(idArb, { maxLength: 6 }),
  append: fc.uniqueArray(idArb, { minLength: 1, maxLength: 3 }),
  expected: expectedArb,
});

test('property: a planned write never puts an id in the stream twice', () => {
  fc.assert(
    fc.property(scenario, ({ stored, append, expected }) => {
      const result = plan(stored, append, expected);
      if (result.kind !== 'write') return true;
      return new Set([...stored, ...append]).size === stored.length + append.length;
    }),
  );
});

test('property: retrying an append that was written succeeds again, writing nothing, at the same version', () => {
  fc.assert(
    fc.property(scenario, ({ stored, append, expected }) => {
      const first = plan(stored, append, expected);
      if (first.kind !== 'write') return true;
      const after = [...stored, ...append];
      const retry = plan(after, append, expected);
      return retry.kind === 'idempotent' && retry.nextExpectedVersion === BigInt(after.length - 1);
    }),
  );
});

test('property: a conflict is answered only when the expectation does not hold, and carries the current state', () => {
  fc.assert(
    fc.property(scenario, ({ stored, append, expected }) => {
      const result = plan(stored, append, expected);
      const current = stateOf(stored);
      if (result.kind === 'conflict') return !satisfiesExpectedVersion(expected, current) && result.actual === current;
      if (result.kind === 'write')
        return satisfiesExpectedVersion(expected, current) && result.expectedState === current;
      return true;
    }),
  );
});

test.run();
