import * as E from 'fp-ts/Either';
import fc from 'fast-check';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { codePointsWithin, Email, NonEmptyString, PasswordHash } from './codecs';

test('codePointsWithin counts code points, as JSON Schema maxLength does', () => {
  assert.ok(codePointsWithin('😀'.repeat(500), 1, 500), '500 emoji are 500 characters (1000 UTF-16 units)');
  assert.not.ok(codePointsWithin('😀'.repeat(501), 1, 500));
  assert.not.ok(codePointsWithin('😀'.repeat(4), 8, 10), '4 emoji are 4 characters, not 8');
  assert.ok(codePointsWithin('\ud800'.repeat(3), 3, 3), 'a lone surrogate is one character');
  assert.not.ok(codePointsWithin('', 1, 5));
});

test('property: codePointsWithin agrees with counting Array.from(s) for every string and bound', () => {
  // Strings of ASCII, BMP and astral characters (and lone surrogates), around the bounds, so the
  // fast paths (length alone decides) and the counting path are both reached.
  let counted = 0;
  fc.assert(
    fc.property(
      fc.string({ unit: fc.constantFrom('a', 'é', '😀', '\ud800'), maxLength: 24 }),
      fc.nat(12),
      fc.nat(12),
      (s, a, b) => {
        const [min, max] = a <= b ? [a, b] : [b, a];
        const n = Array.from(s).length;
        if (!(s.length <= max && s.length >= 2 * min) && s.length >= min && s.length <= 2 * max) counted += 1;
        assert.is(codePointsWithin(s, min, max), n >= min && n <= max);
      },
    ),
    { numRuns: 2000 },
  );
  assert.ok(counted > 100, `the counting path was reached ${counted} times`);
});

test('the length-bounded codecs count code points', () => {
  assert.ok(E.isRight(NonEmptyString.decode('😀'.repeat(500))));
  assert.ok(E.isLeft(NonEmptyString.decode('😀'.repeat(501))));
  assert.ok(E.isLeft(PasswordHash.decode('😀'.repeat(4))));
  assert.ok(E.isRight(Email.decode(`${'é'.repeat(240)}@shop.test`)));
  assert.ok(E.isLeft(Email.decode(`${'é'.repeat(250)}@shop.test`)));
});

test.run();
