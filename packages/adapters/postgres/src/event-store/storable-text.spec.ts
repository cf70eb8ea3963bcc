import fc from 'fast-check';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { findUnstorableText, hasUnstorableEscape, isStorableText } from './storable-text';

/** Strings of arbitrary UTF-16 code units, biased towards the interesting ones. */
const codeUnits = fc
  .array(
    fc.oneof(
      fc.integer({ min: 0, max: 0xffff }),
      fc.constantFrom(0x00, 0x5c, 0x22, 0x75, 0x30, 0xd800, 0xdbff, 0xdc00, 0xdfff, 0xd83d, 0xde00),
    ),
    { maxLength: 24 },
  )
  .map((units) => String.fromCharCode(...units));

test('isStorableText: rejects U+0000 and unpaired surrogates, accepts pairs', () => {
  assert.ok(isStorableText('plain 漢字 😀'));
  assert.ok(isStorableText('\ud83d\ude00'));
  assert.not.ok(isStorableText('a\u0000b'));
  assert.not.ok(isStorableText('\ud800'));
  assert.not.ok(isStorableText('\ude00x'));
  assert.not.ok(isStorableText('\ude00\ud83d'));
});

test('hasUnstorableEscape: an escaped backslash before u0000 is not an escape', () => {
  assert.not.ok(hasUnstorableEscape(JSON.stringify('\\u0000')));
  assert.not.ok(hasUnstorableEscape(JSON.stringify('\\ud800')));
  assert.ok(hasUnstorableEscape(JSON.stringify('\\\u0000')));
  assert.ok(hasUnstorableEscape(JSON.stringify({ k: ['x', '\ud800'] })));
});

test('property: JSON text has an unstorable escape exactly when some string or key in the value is unstorable', () => {
  fc.assert(
    fc.property(codeUnits, codeUnits, codeUnits, (key, value, other) => {
      const doc = { [key]: [value, { other }], plain: 'x' };
      const unstorable = !isStorableText(key) || !isStorableText(value) || !isStorableText(other);
      assert.is(hasUnstorableEscape(JSON.stringify(doc)), unstorable);
      assert.is(findUnstorableText(doc, 'event') !== undefined, unstorable);
    }),
    { numRuns: 2000 },
  );
});

test('findUnstorableText names the path of the offending field', () => {
  assert.is(findUnstorableText({ a: [{ b: 'ok' }, { c: 'x\u0000' }] }, 'events.0.event')?.path, 'events.0.event.a.1.c');
  assert.is(findUnstorableText({ 'k\ud800': 1 }, 'm')?.path, 'm.k\ud800');
  assert.is(findUnstorableText({ a: 1, b: [true, null, 'fine'] }, 'm'), undefined);
});

test.run();
