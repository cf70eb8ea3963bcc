import { test } from 'uvu';
import * as assert from 'uvu/assert';
import fc from 'fast-check';
import { inOneStep, lookup, put, remove, update } from './records';

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

test('inOneStep: tables that existed before stay unchanged; tables made in the step are reused, not copied again', () => {
  const published = put(put({}, 'a', 1), 'b', 2);
  let first: Readonly<Record<string, number>> | undefined;
  const result = inOneStep(() => {
    first = put(published, 'c', 3);
    const second = put(first, 'd', 4);
    assert.is(second, first, 'the step reuses the table it made');
    return remove(
      update(second, 'a', (n = 0) => n + 10),
      'b',
    );
  });
  assert.equal(published, { a: 1, b: 2 }, 'a table from before the step is never changed');
  assert.equal(result, { a: 11, c: 3, d: 4 });
  // After the step, the table it made is immutable again: a put copies it.
  const later = put(result, 'e', 5);
  assert.is.not(later, result);
  assert.equal(result, { a: 11, c: 3, d: 4 });
  // Nested steps: the outer step's tables are not reused by the inner one.
  inOneStep(() => {
    const outer = put({}, 'x', 1);
    const inner = inOneStep(() => put(outer, 'y', 2));
    assert.is.not(inner, outer);
    assert.equal(outer, { x: 1 });
    assert.is(put(outer, 'z', 3), outer, 'the outer step still reuses its own table');
  });
});

test('property: folding any changes in one step gives the same tables as folding them one copy at a time', () => {
  // The invariant: for any sequence of puts, updates and removes on keys (some of which
  // Object.prototype holds, like __proto__ and constructor), inOneStep answers a table equal to
  // the plain fold's, and the starting table is left unchanged. Sequences of up to 40 changes over
  // 6 keys hit the same key repeatedly (reuse in place), removes of present and absent keys, and
  // put after remove.
  const keys = fc.constantFrom('a', 'b', 'c', '__proto__', 'constructor', 'toString');
  const change = fc.oneof(
    fc.record({ kind: fc.constant('put' as const), key: keys, value: fc.integer() }),
    fc.record({ kind: fc.constant('remove' as const), key: keys }),
    fc.record({ kind: fc.constant('update' as const), key: keys }),
  );
  let reusedSomewhere = 0;
  fc.assert(
    fc.property(fc.array(change, { maxLength: 40 }), (changes) => {
      const start = put(put({}, 'a', 0), '__proto__', 7);
      const snapshot = JSON.stringify(Object.entries(start));
      const apply = (table: Readonly<Record<string, number>>) =>
        changes.reduce((t, c) => {
          if (c.kind === 'put') return put(t, c.key, c.value);
          if (c.kind === 'remove') return remove(t, c.key);
          return update(t, c.key, (n = 0) => n + 1);
        }, table);
      const plain = apply(start);
      const stepped = inOneStep(() => {
        const out = apply(start);
        if (changes.length > 1 && out !== start) reusedSomewhere += 1;
        return out;
      });
      assert.equal(Object.entries(stepped), Object.entries(plain));
      assert.is(JSON.stringify(Object.entries(start)), snapshot, 'the starting table is unchanged');
      assert.is(Object.getPrototypeOf(stepped), Object.prototype);
    }),
    { numRuns: 500 },
  );
  assert.ok(reusedSomewhere > 100, `steps that changed a table several times: ${reusedSomewhere}`);
});

test.run();
