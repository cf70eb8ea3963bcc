import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { checkContiguity } from './verify-log';

const e = (streamId: string, streamVersion: bigint, globalPosition: bigint) => ({
  streamId,
  streamVersion,
  globalPosition,
});

test('a contiguous log passes', () => {
  const r = checkContiguity([e('a', 0n, 1n), e('b', 0n, 2n), e('a', 1n, 3n)]);
  assert.equal(r, { events: 3, streams: 2, violations: [] });
});

test('a gap, a repeat and a position out of order are each named', () => {
  const r = checkContiguity([e('a', 0n, 1n), e('a', 2n, 2n), e('b', 0n, 4n), e('b', 0n, 3n)]);
  assert.equal(r.violations, [
    'stream a: version 2 at position 2, expected 1',
    'global position 3 of b follows 4',
    'stream b: version 0 at position 3, expected 1',
  ]);
});

test.run();
