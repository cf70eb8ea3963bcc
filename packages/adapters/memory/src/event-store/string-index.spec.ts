import { hashEventId } from './event-id-hash';
import fc from 'fast-check';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { createStringIndex } from './string-index';

/** An index over `keys` (value = position in `keys`), hashing with `hash`. */
const indexOver = (keys: string[], hash: (key: string) => number) => {
  const index = createStringIndex((value) => keys[value]!);
  return {
    index,
    get: (key: string) => index.get(key, hash(key)),
    add: (key: string) => {
      index.add(hash(key), keys.length);
      keys.push(key);
    },
  };
};

test('property: the index agrees with a Map through growth, for any keys, with real or colliding hashes', () => {
  fc.assert(
    fc.property(
      fc.array(fc.oneof(fc.string({ maxLength: 4 }), fc.string({ unit: 'grapheme', maxLength: 12 })), {
        maxLength: 3_000,
      }),
      fc.array(fc.string({ maxLength: 4 }), { maxLength: 50 }),
      fc.boolean(),
      (candidates, probes, colliding) => {
        // Colliding: only 8 distinct hashes, so keys must be told apart by their text.
        const hash = colliding ? (key: string) => hashEventId(key) & 7 : hashEventId;
        const { index, get, add } = indexOver([], hash);
        const model = new Map<string, number>();
        for (const key of candidates) {
          assert.is(get(key), model.get(key) ?? -1);
          if (model.has(key)) continue;
          model.set(key, model.size);
          add(key);
        }
        assert.is(index.size, model.size);
        for (const key of [...candidates, ...probes]) assert.is(get(key), model.get(key) ?? -1);
      },
    ),
    { numRuns: 60 },
  );
});

test('many keys: every one found with its value, absent ones are not', () => {
  const keys: string[] = [];
  const { get, add } = indexOver(keys, hashEventId);
  for (let i = 0; i < 50_000; i++) add(`order-${i % 7}-event-${i}`);
  keys.forEach((key, i) => assert.is(get(key), i));
  assert.is(get('order-0-event-50000'), -1);
  assert.is(get(''), -1);
});

test('hashEventId is a deterministic 32-bit integer that tells near ids apart', () => {
  assert.is(hashEventId('evt-0001'), hashEventId('evt-0001'));
  for (const id of ['', 'x', 'xy', 'xyz', '\u{1F600}', 'a'.repeat(1000)]) {
    const hash = hashEventId(id);
    assert.ok(Number.isInteger(hash) && hash >= -(2 ** 31) && hash < 2 ** 31, id);
  }
  for (const prefix of ['evt-', '', '00000000-0000-4000-8000-']) {
    const hashes = new Set(Array.from({ length: 10_000 }, (_, i) => hashEventId(`${prefix}${i}`)));
    assert.ok(hashes.size > 9_990, `few collisions among sequential ids (${10_000 - hashes.size})`);
    // The low bits index tables: they must spread too.
    const low = new Set([...hashes].map((h) => h & 0xffff));
    assert.ok(low.size > 7_000, `low 16 bits spread (${low.size} of 10000)`);
  }
});

test.run();
