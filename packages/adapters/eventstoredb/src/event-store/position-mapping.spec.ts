import { START, type Position } from '@eventstore/db-client';
import fc from 'fast-check';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import {
  NO_POSITION,
  UnsupportedPositionError,
  comparePositions,
  fromGlobalPosition,
  isAfter,
  toAppendPosition,
  toGlobalPosition,
  toReadPosition,
} from './position-mapping';

const logOffset = fc.bigInt({ min: 0n, max: 2n ** 63n - 1n });

test('an implicitly committed event (commit === prepare) maps to its commit position', () => {
  assert.is(toGlobalPosition({ commit: 4_711n, prepare: 4_711n }), 4_711n);
  assert.is(toGlobalPosition({ commit: 0n, prepare: 0n }), 0n);
});

test('property: global position -> client position -> global position is the identity', () => {
  fc.assert(fc.property(logOffset, (g) => toGlobalPosition(fromGlobalPosition(g)) === g));
});

test('property: the mapping keeps $all order (commit order = global order)', () => {
  fc.assert(
    fc.property(logOffset, logOffset, (a, b) => {
      const byPosition = Math.sign(comparePositions(fromGlobalPosition(a), fromGlobalPosition(b)));
      return byPosition === (a === b ? 0 : a < b ? -1 : 1);
    }),
  );
});

test('a missing position (stream reads before server 22.6) is refused with a clear error', () => {
  for (const position of [undefined, { commit: NO_POSITION, prepare: NO_POSITION }, { commit: -1n, prepare: -1n }]) {
    const error = (() => {
      try {
        toGlobalPosition(position, 'event s@3');
      } catch (e) {
        return e;
      }
      return undefined;
    })();
    assert.instance(error, UnsupportedPositionError);
    assert.is((error as UnsupportedPositionError).code, 'unsupported_position');
    assert.match((error as Error).message, /event s@3/);
    assert.match((error as Error).message, /22\.6/);
  }
});

test('an event of a legacy explicit transaction (prepare !== commit) is refused, not given a shared position', () => {
  assert.throws(
    () => toGlobalPosition({ commit: 900n, prepare: 500n }),
    (e: unknown) => e instanceof UnsupportedPositionError && /explicit transactions/.test(e.message),
  );
});

test('reading after nothing starts at START; after g starts at g itself (inclusive) and isAfter drops g', () => {
  assert.is(toReadPosition(undefined), START);
  assert.equal(toReadPosition(120n), { commit: 120n, prepare: 120n });
  assert.ok(isAfter(121n, 120n));
  assert.not.ok(isAfter(120n, 120n));
  assert.not.ok(isAfter(119n, 120n));
  assert.ok(isAfter(0n, undefined));
});

test('comparePositions orders by commit, then by prepare', () => {
  const p = (commit: bigint, prepare: bigint): Position => ({ commit, prepare });
  assert.is(comparePositions(p(10n, 10n), p(10n, 10n)), 0);
  assert.is(comparePositions(p(10n, 5n), p(10n, 7n)), -1);
  assert.is(comparePositions(p(11n, 0n), p(10n, 99n)), 1);
});

test("an append result's position is its commit (the last event's log position), prepare aside", () => {
  assert.is(toAppendPosition({ commit: 2_000n, prepare: 1_800n }), 2_000n);
  assert.is(toAppendPosition(undefined), undefined);
  assert.is(toAppendPosition({ commit: NO_POSITION, prepare: NO_POSITION }), undefined);
  assert.is(toAppendPosition({ commit: -1n, prepare: -1n }), undefined);
});

test.run();
