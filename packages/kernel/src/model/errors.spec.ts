import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { InvalidInputError, isInvalidInputError } from './errors';

/** What an InvalidInputError thrown by a second copy of the kernel (the CJS build beside the ESM one) looks like here. */
const fromAnotherCopy = (code: string): Error => {
  class InvalidInputError extends Error {
    readonly code = code;
    readonly issues = [];
  }
  const e = new InvalidInputError('from the other copy');
  e.name = 'InvalidInputError';
  return e;
};

test('isInvalidInputError: recognises our own errors, with or without a code', () => {
  const e = new InvalidInputError('duplicate_event_id', 'event id e-1 is already stored');
  assert.ok(isInvalidInputError(e));
  assert.ok(isInvalidInputError(e, 'duplicate_event_id'));
  assert.not.ok(isInvalidInputError(e, 'invalid_stream_id'));
});

test('isInvalidInputError: recognises an error of another module copy, where instanceof fails', () => {
  const e = fromAnotherCopy('duplicate_event_id');
  assert.not.ok(e instanceof InvalidInputError);
  assert.ok(isInvalidInputError(e, 'duplicate_event_id'));
  assert.not.ok(isInvalidInputError(e, 'other'));
});

test('isInvalidInputError: other errors and values are not', () => {
  for (const value of [
    new Error('x'),
    new TypeError('y'),
    { name: 'InvalidInputError', code: 'a', issues: [] },
    'e',
    undefined,
  ]) {
    assert.not.ok(isInvalidInputError(value), String(value));
  }
});

test.run();
