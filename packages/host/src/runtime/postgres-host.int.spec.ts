// Test 1 of the running host: PostgreSQL + the in-memory bus on the real clock. 200 orders with
// stock-outs, declined cards and a silent gateway; the host runs by itself (no runUntilIdle).
// Every order must reach Completed or Cancelled within a bound, and every invariant must hold.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import * as E from 'fp-ts/Either';
import { createHost } from '../composition/create-host';
import { eventually, openHostTestDatabase, openShop, testOrder } from '../test-support';

const ORDERS = 200;
const SKUS = 6;

test('200 orders on PostgreSQL with a real clock all end Completed or Cancelled; the invariants hold', async () => {
  const db = await openHostTestDatabase('host_pg_memory');
  const host = await createHost({
    store: { kind: 'postgres', connectionString: db.url },
    // Declines end in 3 or 7, silence in 9: answered by rule, so the test knows which is which.
    gatewayRules: { declineKeys: [/[37]$/], noAnswerKeys: [/9$/] },
    sagaTimeouts: { payment: 1_500, reserve: 5_000, capture: 5_000, shipment: 5_000 },
    runtime: { timerPollMs: 50, projectionPollMs: 50 },
  });
  try {
    const at = new Date().toISOString();
    // Stock for about half the demand: some orders run out.
    await openShop(host, { skus: SKUS, stock: 40, at });
    const started = performance.now();
    for (let n = 0; n < ORDERS; n++) {
      const placed = await host.execute(testOrder(n, SKUS, new Date().toISOString()), { commandId: `place:o-${n}` });
      assert.ok(E.isRight(placed), `order ${n} placed`);
    }
    const terminal = async () => {
      const states = await Promise.all(Array.from({ length: ORDERS }, (_, n) => host.orderStatus(`o-${n}`)));
      return states.every((s) => s.status === 'completed' || s.status === 'cancelled');
    };
    assert.ok(await eventually(terminal, 60_000, 200), 'every order terminal within 60 s');
    const elapsed = performance.now() - started;
    const states = await Promise.all(Array.from({ length: ORDERS }, (_, n) => host.orderStatus(`o-${n}`)));
    const completed = states.filter((s) => s.status === 'completed').length;
    const cancelled = states.filter((s) => s.status === 'cancelled');
    const reasons = new Map<string, number>();
    for (const s of cancelled) {
      if (s.status !== 'cancelled') continue;
      const reason = (s.cancelReason ?? '').replace(/ \(.*\)$/, '').replace(/sku-\d+/, 'sku-N');
      reasons.set(reason, (reasons.get(reason) ?? 0) + 1);
    }
    console.log(
      `NOTE ${ORDERS} orders terminal in ${Math.round(elapsed)} ms: ${completed} completed, ${cancelled.length} cancelled (${[
        ...reasons,
      ]
        .map(([r, c]) => `${r} ${c}`)
        .join('; ')})`,
    );
    assert.ok(completed > 0, 'some orders complete');
    assert.ok(
      [...reasons.keys()].some((r) => r.includes('insufficient_stock')),
      'some run out of stock',
    );
    assert.ok(
      [...reasons.keys()].some((r) => r.includes('declined')),
      'some are declined',
    );
    assert.ok(
      [...reasons.keys()].some((r) => r.includes('timed out')),
      'some meet the silent gateway',
    );
    // Projections catch up by themselves; then the invariants hold over the whole log.
    await eventually(async () => (await host.funnel()).completed + (await host.funnel()).cancelled === ORDERS, 10_000);
    const brokenNow = async () => (await host.checkInvariants()).filter((r) => r.violations.length > 0);
    // Notifications may still follow the last orders' events: wait for them before judging.
    await eventually(async () => (await brokenNow()).length === 0, 10_000, 200);
    const broken = await brokenNow();
    assert.equal(broken, [], broken.map((r) => `${r.invariant}: ${r.violations[0]}`).join('\n'));
    const health = await host.health();
    assert.ok(health.ready, health.reasons.join('; '));
    assert.is(health.store.kind, 'postgres');
  } finally {
    const report = await host.stop({ deadlineMs: 10_000 });
    assert.is(report.timedOut, false);
    await db.close();
  }
});

test.run();
