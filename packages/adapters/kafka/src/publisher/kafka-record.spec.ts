import { InvalidInputError, type OutgoingMessage } from '@ordo/kernel';
import fc from 'fast-check';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { toTopicMessages } from './kafka-record';
import { routeToMessageTopic } from './topic-routing';

const message = (i: number, topic: string, key: string): OutgoingMessage => ({
  id: `m-${i}`,
  topic,
  key,
  type: 'Happened',
  payload: { type: 'Happened', i },
  headers: { 'ordo-stream-id': key },
});

test('one entry per topic; messages keep their input order within a topic', () => {
  // Invariant: for every topic, the batch lists exactly that topic's messages in input order
  // (so one key's messages reach their partition in order).
  fc.assert(
    fc.property(
      fc.array(fc.tuple(fc.constantFrom('a', 'b', 'c'), fc.constantFrom('k1', 'k2', 'k3')), { maxLength: 60 }),
      (specs) => {
        const messages = specs.map(([topic, key], i) => message(i, topic, key));
        const batch = toTopicMessages(messages, routeToMessageTopic());
        assert.is(new Set(batch.map((b) => b.topic)).size, batch.length);
        for (const { topic, messages: sent } of batch) {
          const expected = messages.filter((m) => m.topic === topic).map((m) => JSON.stringify(m.payload));
          assert.equal(
            sent.map((m) => m.value),
            expected,
          );
        }
        assert.is(
          batch.reduce((n, b) => n + b.messages.length, 0),
          messages.length,
        );
      },
    ),
  );
});

test('a record has key = message key, JSON value and the id/type headers', () => {
  const [entry] = toTopicMessages([message(1, 'orders', 'order-1')], routeToMessageTopic('p.'));
  assert.is(entry?.topic, 'p.orders');
  const record = entry?.messages[0];
  assert.is(record?.key, 'order-1');
  assert.equal(JSON.parse(String(record?.value)), { type: 'Happened', i: 1 });
  assert.equal(record?.headers, { 'ordo-stream-id': 'order-1', 'ordo-event-id': 'm-1', 'ordo-event-type': 'Happened' });
});

test('invalid messages are all reported at once and nothing is produced', () => {
  const bad: OutgoingMessage[] = [
    message(0, 'fine', 'k'),
    { ...message(1, 'bad topic', 'k') },
    { ...message(2, 't', ''), id: '' },
    { ...message(3, 't', 'k'), payload: { n: 1n } },
    { ...message(4, 't', 'k'), headers: { h: 42 as unknown as string } },
  ];
  try {
    toTopicMessages(bad, routeToMessageTopic());
    assert.unreachable('should throw');
  } catch (error) {
    assert.instance(error, InvalidInputError);
    const paths = (error as InvalidInputError).issues.map((i) => i.path).sort();
    assert.equal(paths, ['1.topic', '2.id', '2.key', '3.payload', '4.headers.h']);
    assert.is((error as InvalidInputError).code, 'invalid_message');
  }
});

test('a throwing route is reported as an issue, not a crash', () => {
  const route = () => {
    throw new Error('no route for this');
  };
  try {
    toTopicMessages([message(0, 't', 'k')], route);
    assert.unreachable('should throw');
  } catch (error) {
    assert.instance(error, InvalidInputError);
    assert.match((error as InvalidInputError).message, /no route for this/);
  }
});

test.run();
