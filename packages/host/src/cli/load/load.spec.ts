import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { drive } from './driver';
import { createHistogram } from './histogram';
import { describeLoad } from './report';
import { reasonKey, seededRandom } from './run-load';
import { createLoadClient } from './http-client';

test('the histogram answers percentiles within 1%, exact extremes, and merges', () => {
  const h = createHistogram();
  for (let i = 1; i <= 10_000; i++) h.record(i / 100); // 0.01 .. 100 ms
  const near = (actual: number, expected: number) =>
    assert.ok(Math.abs(actual - expected) / expected < 0.01, `${actual} vs ${expected}`);
  near(h.quantile(0.5), 50);
  near(h.quantile(0.9), 90);
  near(h.quantile(0.99), 99);
  assert.is(h.summary().minMs, 0.01);
  assert.is(h.summary().maxMs, 100);
  assert.is(h.count, 10_000);
  const other = createHistogram();
  other.record(1000);
  h.merge(other);
  assert.is(h.count, 10_001);
  assert.is(h.quantile(1), 1000);
  const rows = h.distribution([1, 10, 100]);
  const expected = [100, 900, 9000, 1];
  rows.forEach((r, i) => assert.ok(Math.abs(r.count - expected[i]!) <= expected[i]! * 0.01 + 5, `${r.count}`));
  assert.is(
    rows.reduce((n, r) => n + r.count, 0),
    10_001,
  );
  assert.is(createHistogram().quantile(0.5), 0);
});

test('closed loop: N steps over C workers; open loop: steps started on the rate', async () => {
  let inFlight = 0;
  let most = 0;
  const closed = await drive({
    concurrency: 3,
    total: 12,
    step: async () => {
      inFlight++;
      most = Math.max(most, inFlight);
      await new Promise((r) => setTimeout(r, 5));
      inFlight--;
    },
  });
  assert.is(closed.steps, 12);
  assert.is(most, 3);
  const open = await drive({ concurrency: 50, ratePerSecond: 100, durationMs: 300, step: async () => undefined });
  assert.ok(open.steps >= 25 && open.steps <= 31, `${open.steps} steps in 300 ms at 100/s`);
  const failing = await drive({
    concurrency: 1,
    total: 2,
    step: async () => {
      throw new Error('boom');
    },
  });
  assert.is(failing.errors, 2);
  assert.is(failing.firstError, 'boom');
});

test('cancellation reasons are grouped by their code; the session choices repeat with the seed', () => {
  assert.is(
    reasonKey('stock of mug refused: insufficient_stock (only 0 of mug available, 1 requested)'),
    'insufficient_stock',
  );
  assert.is(reasonKey('changed_my_mind'), 'changed_my_mind');
  assert.is(reasonKey(undefined), 'unknown');
  const a = seededRandom(42);
  const b = seededRandom(42);
  assert.equal([a(), a(), a()], [b(), b(), b()]);
});

test('a request to nowhere answers status 0 and counts as a network failure', async () => {
  const client = createLoadClient({ baseUrl: 'http://127.0.0.1:9/', timeoutMs: 2000 });
  const r = await client.request('GET /x', 'GET', '/x');
  assert.is(r.status, 0);
  assert.ok(r.error !== undefined);
  assert.equal([...(client.stats().get('GET /x')?.failures ?? [])], [['network', 1]]);
  assert.type(describeLoad, 'function');
});

test.run();
