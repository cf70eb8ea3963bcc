import { ANY, NO_STREAM, STREAM_EXISTS } from '@eventstore/db-client';
import type { ExpectedVersion } from '@ordo/kernel';
import fc from 'fast-check';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { fromCurrentRevision, fromExpectedRevision, toExpectedRevision } from './expected-version-mapping';

test('the named expectations map to the client constants', () => {
  assert.is(toExpectedRevision('any'), ANY);
  assert.is(toExpectedRevision('no_stream'), NO_STREAM);
  assert.is(toExpectedRevision('stream_exists'), STREAM_EXISTS);
});

test('an exact revision maps to the same bigint (first event 0n in both)', () => {
  assert.is(toExpectedRevision(0n), 0n);
  assert.is(toExpectedRevision(41n), 41n);
});

const expectedVersion: fc.Arbitrary<ExpectedVersion> = fc.oneof(
  fc.constantFrom<ExpectedVersion>('any', 'no_stream', 'stream_exists'),
  fc.bigInt({ min: 0n, max: 2n ** 63n - 1n }),
);

test('property: toExpectedRevision then fromExpectedRevision gives back the expected version', () => {
  fc.assert(fc.property(expectedVersion, (v) => fromExpectedRevision(toExpectedRevision(v)) === v));
});

test("old servers' negative expectation codes read back as the named values", () => {
  assert.is(fromExpectedRevision(-1n), 'no_stream');
  assert.is(fromExpectedRevision(-2n), 'any');
  assert.is(fromExpectedRevision(-4n), 'stream_exists');
});

test('the current revision maps to a stream state', () => {
  assert.is(fromCurrentRevision(NO_STREAM), 'no_stream');
  assert.is(fromCurrentRevision(-1n), 'no_stream');
  assert.is(fromCurrentRevision(0n), 0n);
  assert.is(fromCurrentRevision(7n), 7n);
});

test.run();
