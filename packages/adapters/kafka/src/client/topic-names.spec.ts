import { InvalidInputError } from '@ordo/kernel';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { assertTopicName, topicNameProblem } from './topic-names';

test('topic names follow the broker rules', () => {
  assert.is(topicNameProblem('orders.v1_x-2'), undefined);
  assert.ok(topicNameProblem(''));
  assert.ok(topicNameProblem('.'));
  assert.ok(topicNameProblem('..'));
  assert.ok(topicNameProblem('a b'));
  assert.ok(topicNameProblem('order:42'));
  assert.ok(topicNameProblem('x'.repeat(250)));
  assert.is(topicNameProblem('x'.repeat(249)), undefined);
  assert.ok(topicNameProblem(42));
});

test('assertTopicName throws a structured error naming the path', () => {
  try {
    assertTopicName('bad topic', 'topics.0');
    assert.unreachable('should throw');
  } catch (error) {
    assert.instance(error, InvalidInputError);
    const e = error as InvalidInputError;
    assert.is(e.code, 'invalid_topic_name');
    assert.is(e.issues[0]?.path, 'topics.0');
    assert.is(e.issues[0]?.actual, 'bad topic');
  }
});

test.run();
