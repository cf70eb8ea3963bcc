import type { EventMetadata } from '@ordo/kernel';
import fc from 'fast-check';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { METADATA_MARKER, decodeMetadata, encodeMetadata } from './metadata-encoding';

const full: EventMetadata = {
  eventId: 'cmd-1:0',
  correlationId: 'corr-1',
  causationId: 'cmd-1',
  occurredAt: '2024-05-01T10:00:00.000Z',
  tenantId: 'tenant-a',
  traceparent: '00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01',
  schemaVersion: 2,
  commandId: 'cmd-1',
  headers: { 'x-user': 'u-1' },
};

/** Stored metadata as it comes back from the server: JSON text, parsed. */
const throughJson = (value: unknown): unknown => JSON.parse(JSON.stringify(value));

test('encoding keeps every field and adds the marker and EventStoreDB correlation headers', () => {
  const encoded = encodeMetadata(full);
  assert.is(encoded[METADATA_MARKER], 1);
  assert.is(encoded.$correlationId, 'corr-1');
  assert.is(encoded.$causationId, 'cmd-1');
  for (const [key, value] of Object.entries(full)) assert.equal(encoded[key], value, key);
});

test('correlation, causation, tenant and traceparent round trip', () => {
  const decoded = decodeMetadata(throughJson(encodeMetadata(full)));
  assert.equal(decoded, { kind: 'ordo', metadata: full });
});

test('undefined optional fields are left out, not stored as null', () => {
  const encoded = encodeMetadata({ ...full, tenantId: undefined, traceparent: undefined });
  assert.not.ok('tenantId' in encoded);
  assert.not.ok('traceparent' in encoded);
  const decoded = decodeMetadata(throughJson(encoded));
  assert.is(decoded.kind, 'ordo');
  assert.is(decoded.kind === 'ordo' ? decoded.metadata.tenantId : 'x', undefined);
});

const metadataArb: fc.Arbitrary<EventMetadata> = fc.record(
  {
    eventId: fc.string({ minLength: 1 }),
    correlationId: fc.string({ minLength: 1 }),
    causationId: fc.string({ minLength: 1 }),
    occurredAt: fc.date({ noInvalidDate: true }).map((d) => d.toISOString()),
    tenantId: fc.string(),
    traceparent: fc.string(),
    schemaVersion: fc.integer({ min: 1, max: 1000 }),
    commandId: fc.string({ minLength: 1 }),
    headers: fc.dictionary(
      fc.string().filter((k) => k !== '__proto__'),
      fc.string(),
    ),
  },
  { requiredKeys: ['eventId', 'correlationId', 'causationId', 'occurredAt'] },
);

test('property: any metadata survives encode -> JSON -> decode unchanged', () => {
  fc.assert(
    fc.property(metadataArb, (metadata) => {
      const decoded = decodeMetadata(throughJson(encodeMetadata(metadata)));
      assert.equal(decoded, { kind: 'ordo', metadata: throughJson(metadata) as EventMetadata });
    }),
  );
});

test('metadata without the marker is foreign (written by some other program)', () => {
  for (const stored of [undefined, null, 'text', [1, 2], new Uint8Array([1, 2]), { $correlationId: 'c' }, full]) {
    assert.equal(decodeMetadata(stored), { kind: 'foreign' });
  }
});

test('marked metadata with a missing or mistyped field is invalid, naming the field', () => {
  const missing = decodeMetadata({ [METADATA_MARKER]: 1, correlationId: 'c', causationId: 'x', occurredAt: 't' });
  assert.is(missing.kind, 'invalid');
  assert.ok(missing.kind === 'invalid' && missing.issues.some((i) => i.path === 'eventId'));

  const mistyped = decodeMetadata({ ...(throughJson(encodeMetadata(full)) as object), tenantId: 42 });
  assert.ok(mistyped.kind === 'invalid' && mistyped.issues.some((i) => i.path === 'tenantId' && i.actual === 42));
});

test('an unknown metadata format is invalid rather than guessed at', () => {
  const decoded = decodeMetadata({ ...(throughJson(encodeMetadata(full)) as object), [METADATA_MARKER]: 2 });
  assert.ok(decoded.kind === 'invalid' && decoded.issues[0]?.path === METADATA_MARKER);
});

test.run();
