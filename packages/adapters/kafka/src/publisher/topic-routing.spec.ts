import { type OutgoingMessage } from '@ordo/kernel';
import fc from 'fast-check';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { messageStreamId, routeByStreamCategory, routeToMessageTopic } from './topic-routing';

const message = (fields: Partial<OutgoingMessage>): OutgoingMessage => ({
  id: 'e-1',
  topic: 'order',
  key: 'order-42',
  type: 'OrderPlaced',
  payload: {},
  headers: {},
  ...fields,
});

test('routeByStreamCategory sends a stream to the topic of its category', () => {
  const route = routeByStreamCategory();
  assert.is(route(message({ key: 'order-42' })), 'order');
  assert.is(route(message({ key: 'order-42-b' })), 'order');
  assert.is(route(message({ key: 'inventory' })), 'inventory');
  assert.is(routeByStreamCategory('shop.')(message({ key: 'payment-7' })), 'shop.payment');
});

test('routeByStreamCategory prefers the ordo-stream-id header over the key', () => {
  const m = message({ key: 'custom-key', headers: { 'ordo-stream-id': 'cart-9' } });
  assert.is(messageStreamId(m), 'cart-9');
  assert.is(routeByStreamCategory()(m), 'cart');
});

test('routeToMessageTopic keeps the outbox topic, prefixed, and falls back to the category', () => {
  assert.is(routeToMessageTopic()(message({ topic: 'orders-v2' })), 'orders-v2');
  assert.is(routeToMessageTopic('t1.')(message({ topic: 'orders' })), 't1.orders');
  assert.is(routeToMessageTopic()(message({ topic: '', key: 'shipment-3' })), 'shipment');
});

test('every stream id of one category routes to one topic (per-category topics)', () => {
  // Invariant: streams `<category>-<anything>` all share the topic `<category>`.
  fc.assert(
    fc.property(fc.stringMatching(/^[a-z]{1,10}$/), fc.array(fc.string(), { minLength: 1, maxLength: 5 }), (c, ids) => {
      const topics = new Set(ids.map((id) => routeByStreamCategory()(message({ key: `${c}-${id}` }))));
      return topics.size === 1 && topics.has(c);
    }),
  );
});

test.run();
