import * as fc from 'fast-check';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import {
  type ExpectedVersion,
  formatVersion,
  isExpectedVersion,
  satisfiesExpectedVersion,
  type StreamState,
  streamStateToBigint,
} from './expected-version';

const expectations: ReadonlyArray<ExpectedVersion> = ['any', 'no_stream', 'stream_exists', 0n, 5n];
const states: ReadonlyArray<StreamState> = ['no_stream', 0n, 5n, 6n];

// The whole table, written out: rows are expectations, columns the states above.
const table: Record<string, ReadonlyArray<boolean>> = {
  any: [true, true, true, true],
  no_stream: [true, false, false, false],
  stream_exists: [false, true, true, true],
  '0n': [false, true, false, false],
  '5n': [false, false, true, false],
};

test('satisfiesExpectedVersion: every combination', () => {
  for (const expected of expectations) {
    const row = table[typeof expected === 'bigint' ? `${expected}n` : expected];
    states.forEach((actual, i) => {
      assert.is(
        satisfiesExpectedVersion(expected, actual),
        row?.[i],
        `${formatVersion(expected)} vs ${formatVersion(actual)}`,
      );
    });
  }
});

test('property: a revision is satisfied exactly by the stream at that revision', () => {
  fc.assert(
    fc.property(fc.bigInt({ min: 0n, max: 1n << 40n }), fc.bigInt({ min: 0n, max: 1n << 40n }), (e, a) => {
      assert.is(satisfiesExpectedVersion(e, a), e === a);
      assert.not.ok(satisfiesExpectedVersion(e, 'no_stream'));
    }),
  );
});

test('streamStateToBigint: -1n for an absent stream', () => {
  assert.is(streamStateToBigint('no_stream'), -1n);
  assert.is(streamStateToBigint(0n), 0n);
  assert.is(streamStateToBigint(41n), 41n);
});

test('formatVersion: bigints with n, names quoted', () => {
  assert.is(formatVersion(41n), '41n');
  assert.is(formatVersion('no_stream'), "'no_stream'");
  assert.is(formatVersion('any'), "'any'");
});

test('isExpectedVersion: the three names and non-negative bigints only', () => {
  for (const ok of ['any', 'no_stream', 'stream_exists', 0n, 7n]) assert.ok(isExpectedVersion(ok), String(ok));
  for (const bad of [-1n, 0, 3, '3', 'exists', null, undefined, {}]) {
    assert.not.ok(isExpectedVersion(bad), String(bad));
  }
});

test.run();
