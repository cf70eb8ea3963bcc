import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { createIdempotencyStore, fingerprintOf } from './idempotency';
import { HttpProblem } from './problem';

const ok = (body: unknown) => async () => ({ status: 201, body, headers: {} });

test('the same scope and fingerprint answer the first answer again; concurrent repeats wait for it', async () => {
  const store = createIdempotencyStore(10, 1000);
  let calls = 0;
  const slow = async () => {
    calls++;
    await new Promise((resolve) => setTimeout(resolve, 10));
    return { status: 201, body: { n: calls }, headers: {} };
  };
  const [a, b] = await Promise.all([store.run('k', 'f', slow), store.run('k', 'f', slow)]);
  assert.is(calls, 1);
  assert.equal(a.answer, b.answer);
  assert.equal([a.replayed, b.replayed], [false, true]);
  const refused = await store.run('k', 'other', ok(1)).then(
    () => undefined,
    (e: unknown) => e,
  );
  assert.ok(refused instanceof HttpProblem && refused.status === 422);
});

test('bounded and expiring; 5xx answers are not remembered', async () => {
  let now = 0;
  const store = createIdempotencyStore(2, 100, () => now);
  await store.run('a', 'f', ok(1));
  await store.run('b', 'f', ok(2));
  await store.run('c', 'f', ok(3));
  assert.is(store.size(), 2);
  assert.is((await store.run('a', 'f', ok('again'))).replayed, false, 'a was evicted');
  now = 1000;
  assert.is((await store.run('c', 'g', ok('expired'))).replayed, false, 'c expired: another body is fine');
  await store.run('e', 'f', async () => ({ status: 503, body: null, headers: {} }));
  assert.is((await store.run('e', 'f', ok('retried'))).replayed, false);
});

test('fingerprints ignore key order but not values', () => {
  assert.is(fingerprintOf({ a: 1, b: [1, { c: 2, d: 3 }] }), fingerprintOf({ b: [1, { d: 3, c: 2 }], a: 1 }));
  assert.is.not(fingerprintOf({ a: 1 }), fingerprintOf({ a: 2 }));
});

test.run();
