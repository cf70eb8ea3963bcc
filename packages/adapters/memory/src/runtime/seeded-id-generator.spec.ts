import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { createSeededIdGenerator } from './seeded-id-generator';

test('seeded ids look like UUIDs v4 and replay with the seed', () => {
  const a = createSeededIdGenerator(9);
  const b = createSeededIdGenerator(9);
  const ids = Array.from({ length: 100 }, () => a.next());
  assert.equal(
    ids,
    Array.from({ length: 100 }, () => b.next()),
  );
  assert.is(new Set(ids).size, 100);
  for (const id of ids) assert.match(id, /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
  assert.match(createSeededIdGenerator(1, 'order-').next(), /^order-/);
});

test.run();
