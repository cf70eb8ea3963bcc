import fc from 'fast-check';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { createStringIndex, hashString } from './string-index';

test('hashString is a deterministic 32-bit integer that tells near keys apart', () => {
  assert.is(hashString('evt-0001'), hashString('evt-0001'));
  assert.ok(Number.isInteger(hashString('')) && Math.abs(hashString('x')) < 2 ** 31);
  const hashes = new Set(Array.from({ length: 10_000 }, (_, i) => hashString(`evt-${i}`)));
  assert.ok(hashes.size > 9_990, `few collisions among sequential keys (${10_000 - hashes.size})`);
});

test('property: the index agrees with a Map through growth, for any keys', () => {
  fc.assert(
    fc.property(
      fc.array(fc.oneof(fc.string({ maxLength: 4 }), fc.string({ unit: 'grapheme', maxLength: 12 })), {
        maxLength: 3_000,
      }),
      fc.array(fc.string({ maxLength: 4 }), { maxLength: 50 }),
      (candidates, probes) => {
        const keys: string[] = [];
        const model = new Map<string, number>();
        const index = createStringIndex((value) => keys[value]!);
        for (const key of candidates) {
          assert.is(index.get(key), model.get(key) ?? -1);
          if (model.has(key)) continue;
          index.add(key, keys.length);
          model.set(key, keys.length);
          keys.push(key);
        }
        assert.is(index.size, model.size);
        for (const key of [...candidates, ...probes]) assert.is(index.get(key), model.get(key) ?? -1);
      },
    ),
    { numRuns: 60 },
  );
});

test('many keys: every one found with its value, absent ones are not', () => {
  const keys = Array.from({ length: 50_000 }, (_, i) => `order-${i % 7}-event-${i}`);
  const index = createStringIndex((value) => keys[value]!);
  keys.forEach((key, i) => index.add(key, i));
  keys.forEach((key, i) => assert.is(index.get(key), i));
  assert.is(index.get('order-0-event-50000'), -1);
  assert.is(index.get(''), -1);
});

test.run();
