import { type OutgoingMessage } from '@ordo/kernel';
import { messageHeaders } from '@ordo/kernel/adapter-kit';
import fc from 'fast-check';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { recordHeaders } from './kafka-record';
import { decodeHeaders, HEADER } from './message-headers';

test('decodeHeaders turns Buffers and strings into strings, last value of a repeated key wins', () => {
  assert.equal(
    decodeHeaders({
      a: Buffer.from('één'),
      b: 'plain',
      c: [Buffer.from('first'), Buffer.from('last')],
      d: undefined,
      e: [],
    }),
    { a: 'één', b: 'plain', c: 'last' },
  );
  assert.equal(decodeHeaders(undefined), {});
});

test('a header named __proto__ is kept as a plain header', () => {
  const raw: Record<string, Buffer> = {};
  Object.defineProperty(raw, '__proto__', { value: Buffer.from('x'), enumerable: true });
  const decoded = decodeHeaders(raw);
  assert.ok(Object.hasOwn(decoded, '__proto__'));
  assert.is(Object.getOwnPropertyDescriptor(decoded, '__proto__')?.value, 'x');
  assert.is(Object.getPrototypeOf(decoded), Object.prototype);
});

test('headers survive the trip through Kafka bytes (UTF-8)', () => {
  // Invariant: encoding each header value as UTF-8 bytes and decoding gives the same record.
  fc.assert(
    fc.property(fc.dictionary(fc.string({ minLength: 1 }), fc.string({ unit: 'grapheme' })), (headers) => {
      const bytes = Object.fromEntries(Object.entries(headers).map(([k, v]) => [k, Buffer.from(v, 'utf8')]));
      assert.equal(decodeHeaders(bytes), { ...headers });
    }),
  );
});

test('record headers carry the kernel headers of an integration event, with id and type from the message', () => {
  const headers = messageHeaders({
    streamId: 'order-1',
    streamVersion: 3n,
    globalPosition: 17n,
    event: { type: 'OrderPlaced' },
    metadata: {
      eventId: 'evt-1',
      correlationId: 'corr-1',
      causationId: 'cmd-1',
      occurredAt: '2024-01-01T00:00:00.000Z',
      schemaVersion: 2,
      traceparent: '00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01',
    },
  });
  const message: OutgoingMessage = {
    id: 'evt-1',
    topic: 'order',
    key: 'order-1',
    type: 'OrderPlaced',
    payload: {},
    headers,
  };
  const out = recordHeaders(message);
  assert.is(out[HEADER.eventId], 'evt-1');
  assert.is(out[HEADER.eventType], 'OrderPlaced');
  assert.is(out[HEADER.schemaVersion], '2');
  assert.is(out[HEADER.correlationId], 'corr-1');
  assert.is(out[HEADER.causationId], 'cmd-1');
  assert.is(out[HEADER.streamId], 'order-1');
  assert.is(out[HEADER.streamVersion], '3');
  assert.is(out[HEADER.traceparent], '00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01');
});

test('the message id and type override stale header values (consumers dedup on the id)', () => {
  const out = recordHeaders({
    id: 'real-id',
    topic: 't',
    key: 'k',
    type: 'RealType',
    payload: null,
    headers: { [HEADER.eventId]: 'stale', [HEADER.eventType]: 'Stale', custom: 'x' },
  });
  assert.equal(out, { [HEADER.eventId]: 'real-id', [HEADER.eventType]: 'RealType', custom: 'x' });
});

test.run();
