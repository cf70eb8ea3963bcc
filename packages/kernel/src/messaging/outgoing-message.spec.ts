import { test } from 'uvu';
import * as assert from 'uvu/assert';
import type { RecordedEvent } from '../event-store/recorded-event';
import {
  messageHeaders,
  type OutboxMessage,
  type OutgoingMessage,
  routeByCategory,
  streamCategory,
  toOutboxMessage,
} from './outgoing-message';
import { type Outbox } from './outbox';
import { type Publisher } from './publisher';
import { relayOnce } from './relay-once';

const recorded = (extra: Partial<RecordedEvent['metadata']> = {}): RecordedEvent => ({
  streamId: 'order-42',
  streamVersion: 3n,
  globalPosition: 17n,
  event: { type: 'OrderPlaced' },
  metadata: {
    eventId: 'ev-1',
    correlationId: 'corr-1',
    causationId: 'cause-1',
    occurredAt: '2024-05-01T10:00:00.000Z',
    ...extra,
  },
});

test('streamCategory is the part before the first dash', () => {
  assert.is(streamCategory('order-42'), 'order');
  assert.is(streamCategory('order-42-line-3'), 'order');
  assert.is(streamCategory('order'), 'order');
  assert.is(streamCategory('-42'), '-42', 'a leading dash leaves no category: the whole id');
  assert.is(streamCategory(''), '');
});

test('routeByCategory: one topic per category, keyed by the stream', () => {
  assert.equal(routeByCategory(recorded()), { topic: 'order', key: 'order-42' });
});

test('messageHeaders: the standard headers, from the metadata and the position', () => {
  assert.equal(messageHeaders(recorded()), {
    'ordo-event-id': 'ev-1',
    'ordo-event-type': 'OrderPlaced',
    'ordo-schema-version': '1',
    'ordo-correlation-id': 'corr-1',
    'ordo-causation-id': 'cause-1',
    'ordo-occurred-at': '2024-05-01T10:00:00.000Z',
    'ordo-stream-id': 'order-42',
    'ordo-stream-version': '3',
  });
});

test('messageHeaders: tenant, traceparent, schema version and custom headers; custom ones cannot override', () => {
  const headers = messageHeaders(
    recorded({
      tenantId: 't-1',
      traceparent: '00-abc-def-01',
      schemaVersion: 2,
      headers: { 'x-app': 'shop', 'ordo-event-id': 'forged' },
    }),
  );
  assert.is(headers['ordo-tenant-id'], 't-1');
  assert.is(headers.traceparent, '00-abc-def-01');
  assert.is(headers['ordo-schema-version'], '2');
  assert.is(headers['x-app'], 'shop');
  assert.is(headers['ordo-event-id'], 'ev-1');
});

test('toOutboxMessage: id, topic, key, payload and position', () => {
  const m = toOutboxMessage(recorded(), { topic: 'orders' });
  assert.equal(
    { id: m.id, topic: m.topic, key: m.key, type: m.type, payload: m.payload },
    { id: 'ev-1', topic: 'orders', key: 'order-42', type: 'OrderPlaced', payload: { type: 'OrderPlaced' } },
  );
  assert.equal([m.streamId, m.streamVersion, m.globalPosition], ['order-42', 3n, 17n]);
  assert.is(toOutboxMessage(recorded(), { topic: 'orders', key: 'customer-1' }).key, 'customer-1');
});

const outboxMessage = (id: string, streamVersion: bigint): OutboxMessage => ({
  ...toOutboxMessage(recorded({ eventId: id }), { topic: 'order' }),
  streamVersion,
});

/** A small in-spec outbox that records what the relay does with it. */
const fakeOutbox = (messages: ReadonlyArray<OutboxMessage>, releaseFails = false) => {
  const log: string[] = [];
  const outbox: Outbox = {
    claim: async (o) => {
      log.push(`claim ${o.owner} ${o.batchSize} ${o.leaseMs}`);
      return messages.slice(0, o.batchSize);
    },
    markPublished: async (owner, ids) => void log.push(`mark ${owner} ${ids.join(',')}`),
    release: async (owner, ids) => {
      log.push(`release ${owner} ${ids.join(',')}`);
      if (releaseFails) throw new Error('release failed');
    },
    pending: async () => messages.length,
  };
  return { outbox, log };
};

const options = { owner: 'relay-1', batchSize: 10, leaseMs: 5000 };

test('relayOnce publishes the claimed messages in order, then marks them', async () => {
  const { outbox, log } = fakeOutbox([outboxMessage('a', 0n), outboxMessage('b', 1n)]);
  const published: OutgoingMessage[][] = [];
  const publisher: Publisher = {
    publish: async (m) => {
      log.push('publish');
      published.push([...m]);
    },
  };
  assert.is(await relayOnce(outbox, publisher, options), 2);
  assert.equal(log, ['claim relay-1 10 5000', 'publish', 'mark relay-1 a,b']);
  assert.equal(
    published[0]?.map((m) => m.id),
    ['a', 'b'],
  );
});

test('relayOnce with nothing to claim publishes nothing', async () => {
  const { outbox, log } = fakeOutbox([]);
  let calls = 0;
  assert.is(await relayOnce(outbox, { publish: async () => void (calls += 1) }, options), 0);
  assert.is(calls, 0);
  assert.equal(log, ['claim relay-1 10 5000']);
});

test('relayOnce releases the claim when publishing fails, marks nothing, and rethrows', async () => {
  const { outbox, log } = fakeOutbox([outboxMessage('a', 0n)]);
  const failure = new Error('broker down');
  const publisher: Publisher = {
    publish: async () => {
      throw failure;
    },
  };
  let thrown: unknown;
  await relayOnce(outbox, publisher, options).catch((e: unknown) => (thrown = e));
  assert.is(thrown, failure);
  assert.equal(log, ['claim relay-1 10 5000', 'release relay-1 a']);
});

test('relayOnce reports the publish failure even when the release fails too', async () => {
  const { outbox, log } = fakeOutbox([outboxMessage('a', 0n)], true);
  const failure = new Error('broker down');
  let thrown: unknown;
  await relayOnce(outbox, { publish: async () => Promise.reject(failure) }, options).catch(
    (e: unknown) => (thrown = e),
  );
  assert.is(thrown, failure);
  assert.ok(log.includes('release relay-1 a'));
});

test.run();
