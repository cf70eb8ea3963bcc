// Test 2 of the running host: PostgreSQL + Kafka, two host processes (children) with split roles,
// 500 orders placed at a steady rate. The process with the payments, the carrier and the
// notifications is SIGKILLed twice mid-run and started again. Afterwards every order is
// terminal, stock and money are conserved, no order is captured twice, and every notification
// reached a sender and the inbox once (a resend per kill at most: the documented at-least-once
// gap between an external send and its inbox record).
//
// The parent places the orders with `host.execute` on a host of its own (role `projections`
// only: it reads no topic, so every message is handled by the children) and reads the log.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import * as E from 'fp-ts/Either';
import pg from 'pg';
import { createHost } from '../composition/create-host';
import type { Host } from '../composition/host';
import {
  brokenInvariants,
  checkMultiProcessRun,
  endedOrders,
  formatReasons,
  type HostProcess,
  type HostProcessOptions,
  openHostTestBroker,
  openHostTestDatabase,
  openScratchDir,
  openShop,
  sleep,
  startHostProcess,
  testOrder,
  throttleOrders,
  waitForTerminalOrders,
} from '../test-support';

const ORDERS = 500;
const SKUS = 8;
const PLACE_MS = 30_000;
const KILL_AT = [0.3, 0.65];
/** Orders running at once, at most: on a slow machine the orders come slower instead of timing out. */
const MAX_IN_FLIGHT = 80;

test('two host processes, one SIGKILLed twice under 500 orders: nothing lost, nothing done twice', async () => {
  const db = await openHostTestDatabase('host_multi_process');
  const broker = await openHostTestBroker();
  const scratch = openScratchDir('ordo-multi-process');
  const topicPrefix = broker.uniquePrefix('mp');
  const pool = new pg.Pool({ connectionString: db.url, max: 2 });
  // Longer than a restart after a SIGKILL (about 10 s: the dead member's Kafka session must expire).
  const sagaTimeouts = { reserve: 20_000, payment: 20_000, capture: 20_000, shipment: 20_000 };
  const base = {
    storeUrl: db.url,
    brokers: broker.brokers,
    topicPrefix,
    partitions: 4,
    sagaTimeouts,
    // Declines end in 3 or 7, silence in 99: answered by rule, whichever process asks.
    gatewayRules: { declineKeys: ['/[37]$/'], noAnswerKeys: ['/99$/'] },
    runtime: { timerPollMs: 100, projectionPollMs: 200 },
    maxConnections: 6,
  };
  const core: HostProcessOptions = {
    ...base,
    roles: ['api', 'saga', 'timers', 'relay'],
    instanceId: 'core',
    effectsFile: scratch.file('core'),
  };
  const effects: HostProcessOptions = {
    ...base,
    roles: ['payments', 'shipping', 'notifications', 'relay'],
    instanceId: 'effects',
    effectsFile: scratch.file('effects'),
  };
  let host: Host | undefined;
  const children: HostProcess[] = [];
  try {
    // The parent's host creates the topics and the schema before the children start.
    host = await createHost({
      store: { kind: 'postgres', connectionString: db.url, maxConnections: 4 },
      messaging: { kind: 'kafka', brokers: broker.brokers, topicPrefix, partitions: 4 },
      roles: ['projections'],
      instanceId: 'parent',
      sagaTimeouts,
      runtime: { projectionPollMs: 200 },
    });
    const started = performance.now();
    const [a, b] = await Promise.all([startHostProcess('core', core), startHostProcess('effects', effects)]);
    children.push(a!, b!);
    let killable = b!;
    console.log(`NOTE children ready in ${Math.round(performance.now() - started)} ms`);

    const at = new Date().toISOString();
    await openShop(host, { skus: SKUS, stock: 150, at });
    const orderIds = Array.from({ length: ORDERS }, (_, n) => `o-${n}`);
    const killAfter = KILL_AT.map((f) => Math.floor(f * ORDERS));
    const kills: Array<{ atOrder: number; inFlight: number; downMs: number }> = [];
    let restarting: Promise<void> = Promise.resolve();
    const placing = performance.now();
    for (let n = 0; n < ORDERS; n++) {
      if (n % 10 === 0) await throttleOrders(pool, n, MAX_IN_FLIGHT);
      const placed = await host.execute(testOrder(n, SKUS, new Date().toISOString()), { commandId: `place:o-${n}` });
      assert.ok(E.isRight(placed), `order ${n} placed`);
      if (killAfter.includes(n)) {
        await restarting;
        const killed = performance.now();
        const exit = await killable.kill();
        assert.is(exit.signal, 'SIGKILL', 'the child died of the SIGKILL');
        const inFlight = n + 1 - (await endedOrders(pool));
        assert.ok(inFlight > 0, 'the kill caught orders in flight');
        // Started again in the background while orders keep coming.
        restarting = startHostProcess('effects', effects).then((next) => {
          children.push(next);
          killable = next;
          kills.push({ atOrder: n, inFlight, downMs: Math.round(performance.now() - killed) });
        });
      }
      const due = ((n + 1) / ORDERS) * PLACE_MS;
      const ahead = due - (performance.now() - placing);
      if (ahead > 0) await sleep(ahead);
    }
    await restarting;
    const placedMs = Math.round(performance.now() - placing);
    assert.is(kills.length, KILL_AT.length, 'killed as planned');

    const open = await waitForTerminalOrders(host, orderIds, 90_000);
    const elapsedMs = Math.round(performance.now() - placing);
    assert.equal(open.slice(0, 5), [], `${open.length} orders not terminal`);

    const verdict = await checkMultiProcessRun({
      host,
      pool,
      effectsFiles: [core.effectsFile, effects.effectsFile],
      orderIds,
    });
    console.log(
      `NOTE ${ORDERS} orders placed in ${placedMs} ms, all terminal after ${elapsedMs} ms (placed to terminal p50 ${verdict.latencyMs.p50} ms, p90 ${verdict.latencyMs.p90} ms, max ${verdict.latencyMs.max} ms): ${verdict.completed} completed, ${verdict.cancelled} cancelled (${formatReasons(verdict.reasons)})`,
    );
    console.log(
      `NOTE kills: ${kills.length} SIGKILLs of 'effects' (after orders ${kills.map((k) => `${k.atOrder} with ${k.inFlight} in flight`).join(', ')}; down until READY again ${kills.map((k) => `${k.downMs} ms`).join(', ')})`,
    );
    console.log(
      `NOTE notifications: ${verdict.expectedNotifications} expected, ${verdict.notificationsSent} handed to senders, ${verdict.duplicateSends} duplicate sends, ${verdict.inboxRows} inbox rows; gateway: ${verdict.gatewayCalls} answers for ${verdict.gatewayPayments} payments (${verdict.gatewayRepeats} repeated asks); ${verdict.captures} captures; ${verdict.rejections.length} rejections; torn lines ${verdict.tornLines}`,
    );

    assert.equal(brokenInvariants(verdict), []);
    assert.equal(verdict.capturedTwice, [], 'no order captured twice');
    assert.ok(verdict.completed > ORDERS / 10, `orders complete (${verdict.completed})`);
    assert.ok(verdict.cancelled > 0, 'some are cancelled');
    assert.equal(verdict.neverSent, [], 'every notification reached a sender');
    assert.equal(verdict.missingInInbox, [], 'every notification is in the inbox');
    assert.equal(verdict.extraInInbox, [], 'the inbox holds only notifications the log calls for');
    assert.is(verdict.inboxRows, verdict.expectedNotifications, 'one inbox row per notification');
    assert.ok(
      verdict.duplicateSends <= kills.length,
      `duplicate sends ${verdict.duplicateSends} at most one per SIGKILL (${kills.length})`,
    );
    assert.is(verdict.tornLines, 0, 'no effect line was cut short');
  } catch (error) {
    for (const c of children) console.error(`--- ${c.name} (pid ${c.pid}) ---\n${c.output().slice(-4_000)}`);
    throw error;
  } finally {
    // SIGTERM every child still running (orderly: they leave their consumer groups).
    const running = children.filter((c) => c.pid > 0);
    await Promise.all(running.map((c) => c.terminate()));
    await host?.stop({ deadlineMs: 10_000 });
    await pool.end();
    scratch.close();
    await db.close();
  }
});

test.run();
