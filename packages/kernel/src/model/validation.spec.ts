import * as E from 'fp-ts/Either';
import * as t from 'io-ts';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import {
  describeValue,
  domainError,
  InvalidInputError,
  OrdoError,
  type ValidationError,
  type ValidationIssue,
  validationError,
} from './errors';
import { defineMessages } from './messages';
import { EventMetadataCodec } from './event-metadata';
import { decodeWith } from './validation';
import { isWrongExpectedVersionError, WrongExpectedVersionError } from '../event-store/wrong-expected-version-error';

const Commands = defineMessages(
  {
    PlaceOrder: {
      orderId: t.string,
      lines: t.array(t.type({ sku: t.string, quantity: t.number })),
      shipping: t.type({ address: t.type({ city: t.string }) }),
    },
    CancelOrder: { orderId: t.string, reason: t.union([t.literal('customer'), t.literal('fraud')]) },
  },
  'OrderCommand',
);

const decodeCommand = decodeWith(Commands.codec, 'command');

const issuesOf = (input: unknown): ReadonlyArray<ValidationIssue> => {
  const result = decodeCommand(input);
  if (E.isRight(result)) throw new Error('expected a decode failure');
  return result.left.issues;
};

const errorOf = (input: unknown): ValidationError => {
  const result = decodeCommand(input);
  if (E.isRight(result)) throw new Error('expected a decode failure');
  return result.left;
};

const validOrder = {
  type: 'PlaceOrder',
  orderId: 'o-1',
  lines: [{ sku: 'a', quantity: 1 }],
  shipping: { address: { city: 'Lyon' } },
};

test('decodeWith answers Right with the value for valid input', () => {
  assert.equal(decodeCommand(validOrder), E.right(validOrder));
});

test('a nested field is named by its dotted path, with expected type and actual value', () => {
  const issues = issuesOf({ ...validOrder, shipping: { address: { city: 42 } } });
  assert.equal(issues, [{ path: 'shipping.address.city', expected: 'string', actual: 42 }]);
});

test('an array element field is named with its index', () => {
  const issues = issuesOf({
    ...validOrder,
    lines: [
      { sku: 'a', quantity: 1 },
      { sku: 'b', quantity: 'two' },
    ],
  });
  assert.equal(issues, [{ path: 'lines.1.quantity', expected: 'number', actual: 'two' }]);
});

test('every problem is listed, not only the first; the message names each path', () => {
  const error = errorOf({ type: 'PlaceOrder', orderId: 7, lines: 'none', shipping: {} });
  assert.is(error._tag, 'ValidationError');
  assert.equal(
    error.issues.map((i) => i.path),
    ['orderId', 'lines', 'shipping.address'],
  );
  assert.ok(error.message.startsWith('invalid command: '), error.message);
  for (const fragment of ['orderId: expected string, got 7', 'lines: expected', 'got "none"', 'shipping.address']) {
    assert.ok(error.message.includes(fragment), `${fragment} in ${error.message}`);
  }
});

test('a union member inside a message names the field once per alternative, not the union index', () => {
  const issues = issuesOf({ type: 'CancelOrder', orderId: 'o-1', reason: 'bored' });
  assert.equal(
    issues.map((i) => [i.path, i.expected, i.actual]),
    [
      ['reason', '"customer"', 'bored'],
      ['reason', '"fraud"', 'bored'],
    ],
  );
});

test('an unknown type is named, with the list of known types', () => {
  const error = errorOf({ type: 'ShipOrder', orderId: 'o-1' });
  assert.equal(error.issues.length, 1);
  const [issue] = error.issues;
  assert.is(issue?.path, 'type');
  assert.is(issue?.actual, 'ShipOrder');
  assert.ok(issue?.expected.includes('"PlaceOrder"') && issue.expected.includes('"CancelOrder"'), issue?.expected);
  assert.ok(error.message.includes('type: expected'), error.message);
  assert.ok(error.message.includes('got "ShipOrder"'), error.message);
});

test('a missing type and a non-object are reported at the root or at type', () => {
  assert.equal(
    issuesOf({ orderId: 'o-1' }).map((i) => [i.path, i.actual]),
    [['type', undefined]],
  );
  const root = errorOf('hello');
  assert.equal(
    root.issues.map((i) => [i.path, i.actual]),
    [['', 'hello']],
  );
  assert.ok(root.message.includes('<root>: expected'), root.message);
  assert.equal(
    issuesOf(null).map((i) => i.path),
    [''],
  );
});

test('intersection codecs (event metadata) name the field, not the intersection member', () => {
  const result = decodeWith(EventMetadataCodec, 'metadata')({ eventId: 'e', correlationId: 'c', occurredAt: 1 });
  assert.ok(E.isLeft(result));
  if (E.isLeft(result)) {
    assert.equal(
      result.left.issues.map((i) => [i.path, i.expected]),
      [
        ['causationId', 'string'],
        ['occurredAt', 'string'],
      ],
    );
  }
  const headers = decodeWith(EventMetadataCodec)({
    eventId: 'e',
    correlationId: 'c',
    causationId: 'c',
    occurredAt: 'now',
    headers: { ok: 'yes', bad: 3 },
  });
  assert.ok(E.isLeft(headers) && headers.left.issues[0]?.path === 'headers.bad');
});

test('describeValue renders values safely and briefly', () => {
  assert.is(describeValue(undefined), 'undefined');
  assert.is(describeValue(12n), '12n');
  assert.is(
    describeValue(() => 1),
    'a function',
  );
  assert.is(describeValue(Symbol('s')), 'a symbol');
  assert.is(describeValue({ a: 1 }), '{"a":1}');
  assert.is(describeValue('x'.repeat(200)).length, 80);
  const cyclic: { self?: unknown } = {};
  cyclic.self = cyclic;
  assert.is(describeValue(cyclic), '[object Object]');
  assert.is(describeValue({ n: 1n }), '[object Object]');
});

test('validationError names the input and each path', () => {
  const error = validationError([{ path: 'a.b', expected: 'number', actual: 'x' }], 'HTTP body');
  assert.is(error.message, 'invalid HTTP body: a.b: expected number, got "x"');
});

test('domainError includes details only when given', () => {
  assert.equal(domainError('c', 'm'), { _tag: 'DomainError', code: 'c', message: 'm' });
  assert.equal(domainError('c', 'm', { n: 1 }), { _tag: 'DomainError', code: 'c', message: 'm', details: { n: 1 } });
});

test('thrown errors: names, codes, instanceof OrdoError, duck-typed version conflicts', () => {
  const invalid = new InvalidInputError('empty_stream_id', 'no id', [{ path: 'streamId', expected: 's', actual: '' }]);
  assert.instance(invalid, OrdoError);
  assert.is(invalid.name, 'InvalidInputError');
  assert.is(invalid.code, 'empty_stream_id');
  assert.is(invalid.issues.length, 1);

  const conflict = new WrongExpectedVersionError('order-1', 3n, 'no_stream');
  assert.instance(conflict, OrdoError);
  assert.is(conflict.name, 'WrongExpectedVersionError');
  assert.is(conflict.message, "wrong expected version on stream 'order-1': expected 3n, actual 'no_stream'");
  assert.ok(isWrongExpectedVersionError(conflict));
  // An instance from another copy of the module (ESM + CJS) is recognised by its shape.
  const foreign = Object.assign(new Error('x'), { code: 'wrong_expected_version', streamId: 's' });
  assert.ok(isWrongExpectedVersionError(foreign));
  assert.not.ok(isWrongExpectedVersionError(Object.assign(new Error('x'), { code: 'wrong_expected_version' })));
  assert.not.ok(isWrongExpectedVersionError({ code: 'wrong_expected_version', streamId: 's' }));
});

test.run();
