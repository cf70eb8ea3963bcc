import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { lookup, put, remove, update } from './records';

test('put answers a copy and leaves the table it was given as it was', () => {
  const before = { a: 1 };
  const after = put(before, 'b', 2);
  assert.equal(before, { a: 1 });
  assert.equal(after, { a: 1, b: 2 });
  assert.equal(put(after, 'a', 3), { a: 3, b: 2 });
  assert.equal(Object.keys(put(after, 'a', 3)), ['a', 'b'], 'a replaced key keeps its place');
});

test('remove answers a copy without the key, the others in their order', () => {
  const table = put(put(put({}, 'a', 1), 'b', 2), 'c', 3);
  assert.equal(Object.keys(remove(table, 'b')), ['a', 'c']);
  assert.equal(table, { a: 1, b: 2, c: 3 });
  assert.is(remove(table, 'z'), table, 'removing a missing key answers the same table');
});

test('__proto__ and constructor are ordinary keys: own properties, the prototype untouched', () => {
  const table = put(put({}, '__proto__', 1), 'constructor', 2);
  assert.is(Object.getPrototypeOf(table), Object.prototype);
  assert.equal(Object.keys(table), ['__proto__', 'constructor']);
  assert.is(lookup(table, '__proto__'), 1);
  assert.is(lookup(table, 'constructor'), 2);
  assert.is(lookup(remove(table, '__proto__'), '__proto__'), undefined);
  assert.is(
    lookup(
      update(table, 'constructor', (n = 0) => n + 1),
      'constructor',
    ),
    3,
  );
});

test('a key a polluted Object.prototype holds is defined on the copy, not set through the prototype', () => {
  let setterRan = false;
  Object.defineProperty(Object.prototype, 'polluted', {
    configurable: true,
    get: () => 'from the prototype',
    set: () => {
      setterRan = true;
    },
  });
  try {
    const table = put(put({}, 'polluted', 'own'), 'other', 'x');
    assert.not.ok(setterRan, 'the inherited setter ran');
    assert.ok(Object.prototype.hasOwnProperty.call(table, 'polluted'));
    assert.is(lookup(table, 'polluted'), 'own');
    assert.is(lookup({}, 'polluted'), undefined, 'lookup reads own properties only');
  } finally {
    delete (Object.prototype as Record<string, unknown>).polluted;
  }
});

test.run();
