import type { RecordedEvent as ClientRecordedEvent } from '@eventstore/db-client';
import { InvalidInputError, type NewEvent } from '@ordo/kernel';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { toEsdbEventId } from './event-id';
import { fromClientEvent, toEventData } from './event-mapping';
import { UnsupportedPositionError } from './position-mapping';

const newEvent: NewEvent<{ type: 'ItemAdded'; sku: string; qty: number }> = {
  event: { type: 'ItemAdded', sku: 'A-1', qty: 2 },
  metadata: {
    eventId: 'cmd-7:0',
    correlationId: 'corr-7',
    causationId: 'cmd-7',
    occurredAt: '2024-05-01T10:00:00.000Z',
    tenantId: 't-1',
  },
};

/** What the client hands back for the stored event (JSON round trip, like the wire). */
const stored = (overrides: Partial<Record<string, unknown>> = {}): ClientRecordedEvent => {
  const data = toEventData(newEvent);
  return {
    streamId: 'app-cart-1',
    id: data.id,
    revision: 3n,
    type: data.type,
    data: JSON.parse(JSON.stringify(data.data)),
    metadata: JSON.parse(JSON.stringify(data.metadata)),
    isJson: true,
    created: new Date(0),
    position: { commit: 5_000n, prepare: 5_000n },
    ...overrides,
  } as unknown as ClientRecordedEvent;
};

test('an Ordo event becomes a JSON event: type, whole event as data, derived UUID id', () => {
  const data = toEventData(newEvent);
  assert.is(data.contentType, 'application/json');
  assert.is(data.type, 'ItemAdded');
  assert.equal(data.data, newEvent.event);
  assert.is(data.id, toEsdbEventId('cmd-7:0'));
  assert.is((data.metadata as Record<string, unknown>).eventId, 'cmd-7:0');
});

test('the stored event reads back as the same Ordo event, version and position', () => {
  const recorded = fromClientEvent(stored(), 'cart-1', 'reject');
  assert.equal(recorded, {
    streamId: 'cart-1',
    streamVersion: 3n,
    globalPosition: 5_000n,
    event: newEvent.event,
    metadata: newEvent.metadata,
  });
});

test('an event without Ordo metadata is skipped or rejected as asked', () => {
  const foreign = stored({ metadata: { $correlationId: 'x' } });
  assert.is(fromClientEvent(foreign, 'cart-1', 'skip'), undefined);
  assert.throws(
    () => fromClientEvent(foreign, 'cart-1', 'reject'),
    (e: unknown) => e instanceof InvalidInputError && e.code === 'corrupt_event' && /app-cart-1@3/.test(e.message),
  );
});

const corruptCode = (overrides: Partial<Record<string, unknown>>): { code: string; paths: string[] } => {
  try {
    fromClientEvent(stored(overrides), 'cart-1', 'skip');
  } catch (e) {
    if (e instanceof InvalidInputError) return { code: e.code, paths: e.issues.map((i) => i.path) };
    throw e;
  }
  return { code: 'none', paths: [] };
};

test('corrupt stored events are refused with the offending field named', () => {
  assert.equal(corruptCode({ isJson: false, data: new Uint8Array([1]) }), { code: 'corrupt_event', paths: ['data'] });
  assert.equal(corruptCode({ data: [1, 2] }), { code: 'corrupt_event', paths: ['data'] });
  assert.equal(corruptCode({ data: { type: 'Other', sku: 'A-1' } }), { code: 'corrupt_event', paths: ['data.type'] });
  const badMetadata = { ...(stored().metadata as object), correlationId: 7 };
  assert.equal(corruptCode({ metadata: badMetadata }), { code: 'corrupt_event', paths: ['metadata.correlationId'] });
});

test('an event read without a position (server before 22.6) is refused, not given a fake one', () => {
  assert.throws(
    () => fromClientEvent(stored({ position: undefined }), 'cart-1', 'reject'),
    (e: unknown) => e instanceof UnsupportedPositionError,
  );
});

test.run();
