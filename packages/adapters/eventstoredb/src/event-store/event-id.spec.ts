import fc from 'fast-check';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { ORDO_EVENT_ID_NAMESPACE, isUuid, nameBasedUuid, toEsdbEventId } from './event-id';

const DNS_NAMESPACE = '6ba7b810-9dad-11d1-80b4-00c04fd430c8';

test('nameBasedUuid matches the RFC 4122 version 5 reference value', () => {
  // uuid5(NAMESPACE_DNS, 'www.example.com') as computed by Python's uuid module and others.
  assert.is(nameBasedUuid(DNS_NAMESPACE, 'www.example.com'), '2ed6657d-e927-568b-95e1-2665a8aea6a2');
});

test('a UUID id passes through unchanged, whatever its case or version', () => {
  for (const id of [
    '2ed6657d-e927-568b-95e1-2665a8aea6a2',
    'F47AC10B-58CC-4372-A567-0E02B2C3D479',
    '00000000-0000-0000-0000-000000000000',
  ]) {
    assert.ok(isUuid(id));
    assert.is(toEsdbEventId(id), id);
  }
});

test('a command-handler id becomes a stable version 5 UUID in the Ordo namespace', () => {
  const id = toEsdbEventId('cmd-42:0');
  assert.is(id, nameBasedUuid(ORDO_EVENT_ID_NAMESPACE, 'cmd-42:0'));
  assert.is(id, toEsdbEventId('cmd-42:0'));
  assert.is.not(id, toEsdbEventId('cmd-42:1'));
  assert.match(id, /^[0-9a-f]{8}-[0-9a-f]{4}-5[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
});

test('near-UUIDs (wrong length, braces, no dashes) are treated as names, not passed through', () => {
  for (const id of [
    '2ed6657d-e927-568b-95e1-2665a8aea6a',
    '{2ed6657d-e927-568b-95e1-2665a8aea6a2}',
    '2ed6657de927568b95e12665a8aea6a2',
  ]) {
    assert.not.ok(isUuid(id));
    assert.ok(isUuid(toEsdbEventId(id)));
    assert.is.not(toEsdbEventId(id), id);
  }
});

test('property: every id maps to a UUID, deterministically', () => {
  fc.assert(
    fc.property(fc.string({ minLength: 1 }), (id) => {
      const mapped = toEsdbEventId(id);
      return isUuid(mapped) && mapped === toEsdbEventId(id);
    }),
  );
});

test('property: distinct non-UUID ids map to distinct UUIDs (no collision in the sample)', () => {
  fc.assert(
    fc.property(
      fc.uniqueArray(fc.string({ minLength: 1, unit: 'grapheme' }), { minLength: 2, maxLength: 50 }),
      (ids) => {
        const names = ids.filter((id) => !isUuid(id));
        return new Set(names.map(toEsdbEventId)).size === names.length;
      },
    ),
  );
});

test('nameBasedUuid rejects a namespace that is not a UUID', () => {
  assert.throws(() => nameBasedUuid('not-a-uuid', 'x'), /not a UUID/);
});

test.run();
