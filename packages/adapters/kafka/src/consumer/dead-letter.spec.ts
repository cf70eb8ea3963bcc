import fc from 'fast-check';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import {
  DEAD_LETTER_HEADER,
  deadLetterHeaders,
  defaultDeadLetterTopic,
  describeError,
  MAX_DEAD_LETTER_ERROR_LENGTH,
  readDeadLetterHeaders,
} from './dead-letter';

const failedAt = new Date('2024-05-01T12:00:00.000Z');

test('dead-letter headers name the origin, the reason, the error and the attempts', () => {
  const headers = deadLetterHeaders({
    topic: 'order',
    partition: 2,
    offset: '41',
    group: 'billing',
    reason: 'handler-failed',
    error: new TypeError('boom'),
    attempts: 5,
    failedAt,
  });
  assert.equal(headers, {
    [DEAD_LETTER_HEADER.topic]: 'order',
    [DEAD_LETTER_HEADER.partition]: '2',
    [DEAD_LETTER_HEADER.offset]: '41',
    [DEAD_LETTER_HEADER.group]: 'billing',
    [DEAD_LETTER_HEADER.reason]: 'handler-failed',
    [DEAD_LETTER_HEADER.error]: 'boom',
    [DEAD_LETTER_HEADER.errorName]: 'TypeError',
    [DEAD_LETTER_HEADER.attempts]: '5',
    [DEAD_LETTER_HEADER.failedAt]: '2024-05-01T12:00:00.000Z',
  });
});

test('reading the headers back gives what was written', () => {
  // Invariant: readDeadLetterHeaders(deadLetterHeaders(info)) restores every field of info.
  fc.assert(
    fc.property(
      fc.record({
        topic: fc.stringMatching(/^[a-z.]{1,20}$/),
        partition: fc.nat(1000),
        offset: fc.bigInt({ min: 0n, max: 2n ** 62n }).map(String),
        group: fc.string(),
        reason: fc.constantFrom('undecodable' as const, 'handler-failed' as const),
        message: fc.string({ maxLength: 100 }),
        attempts: fc.nat(50),
      }),
      (info) => {
        const read = readDeadLetterHeaders(deadLetterHeaders({ ...info, error: new Error(info.message), failedAt }));
        assert.equal(read, {
          topic: info.topic,
          partition: info.partition,
          offset: info.offset,
          group: info.group,
          reason: info.reason,
          error: info.message,
          errorName: 'Error',
          attempts: info.attempts,
          failedAt: failedAt.toISOString(),
        });
      },
    ),
  );
});

test('long errors are truncated; missing or malformed headers read as undefined', () => {
  const headers = deadLetterHeaders({
    topic: 't',
    partition: 0,
    offset: '0',
    group: 'g',
    reason: 'undecodable',
    error: 'x'.repeat(10_000),
    attempts: 0,
    failedAt,
  });
  assert.is(headers[DEAD_LETTER_HEADER.error]?.length, MAX_DEAD_LETTER_ERROR_LENGTH);
  assert.ok(headers[DEAD_LETTER_HEADER.error]?.endsWith('...'));
  assert.is(readDeadLetterHeaders({}), undefined);
  assert.is(readDeadLetterHeaders({ ...headers, [DEAD_LETTER_HEADER.reason]: 'other' }), undefined);
  assert.is(readDeadLetterHeaders({ ...headers, [DEAD_LETTER_HEADER.offset]: '-1' }), undefined);
  assert.is(readDeadLetterHeaders({ ...headers, [DEAD_LETTER_HEADER.partition]: 'x' }), undefined);
});

test('describeError handles whatever was thrown', () => {
  assert.equal(describeError(new RangeError('r')), { name: 'RangeError', message: 'r' });
  assert.equal(describeError({ message: 'plain object' }), { name: 'Error', message: 'plain object' });
  assert.equal(describeError('text'), { name: 'string', message: 'text' });
  assert.equal(describeError(undefined), { name: 'undefined', message: 'undefined' });
});

test('the default dead-letter topic is <topic>.dlq', () => {
  assert.is(defaultDeadLetterTopic('order'), 'order.dlq');
});

test.run();
