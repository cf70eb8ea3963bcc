// Test 4 of the running host: SIGTERM under load. Two host processes with split roles take a
// steady stream of orders; each in turn gets a SIGTERM and must exit with code 0 within the
// shutdown deadline it was given, and is started again. Afterwards every order is terminal, the
// invariants hold, and nothing was done twice: no payment captured twice, no gateway asked twice
// for one payment, no notification handed to a sender twice (an orderly stop finishes the
// message in hand and commits its offset, so nothing is redelivered).
//
// The parent places the orders with `host.execute` on a host of its own (role `projections`
// only: it reads no topic) and reads the log. A second test starts the entry with a bad
// environment: exit code 2 and a line naming each wrong variable.
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
  runHostProcess,
  sleep,
  startHostProcess,
  testOrder,
  throttleOrders,
  waitForTerminalOrders,
} from '../test-support';

const DEADLINE_MS = 8_000;
const SKUS = 6;
const ORDERS_PER_SECOND = 12;
/** Orders running at once, at most: on a slow machine the orders come slower instead of timing out. */
const MAX_IN_FLIGHT = 60;

test('SIGTERM under load: each process exits with 0 within its deadline; after restarts nothing is lost or done twice', async () => {
  const db = await openHostTestDatabase('host_graceful_shutdown');
  const broker = await openHostTestBroker();
  const scratch = openScratchDir('ordo-graceful-shutdown');
  const topicPrefix = broker.uniquePrefix('gs');
  const pool = new pg.Pool({ connectionString: db.url, max: 2 });
  const sagaTimeouts = { reserve: 20_000, payment: 20_000, capture: 20_000, shipment: 20_000 };
  const base = {
    storeUrl: db.url,
    brokers: broker.brokers,
    topicPrefix,
    partitions: 4,
    sagaTimeouts,
    gatewayRules: { declineKeys: ['/[37]$/'] },
    runtime: { timerPollMs: 100 },
    deadlineMs: DEADLINE_MS,
  };
  const options: Record<'core' | 'effects', HostProcessOptions> = {
    core: {
      ...base,
      roles: ['api', 'saga', 'timers', 'relay'],
      instanceId: 'core',
      effectsFile: scratch.file('core'),
    },
    effects: {
      ...base,
      roles: ['payments', 'shipping', 'notifications', 'relay'],
      instanceId: 'effects',
      effectsFile: scratch.file('effects'),
    },
  };
  let host: Host | undefined;
  const children: HostProcess[] = [];
  const current: Partial<Record<'core' | 'effects', HostProcess>> = {};
  let placing = true;
  let placer: Promise<number> = Promise.resolve(0);
  try {
    host = await createHost({
      store: { kind: 'postgres', connectionString: db.url, maxConnections: 4 },
      messaging: { kind: 'kafka', brokers: broker.brokers, topicPrefix, partitions: 4 },
      roles: ['projections'],
      instanceId: 'parent',
      sagaTimeouts,
      runtime: { projectionPollMs: 200 },
    });
    const [a, b] = await Promise.all([
      startHostProcess('core', options.core),
      startHostProcess('effects', options.effects),
    ]);
    children.push(a!, b!);
    current.core = a!;
    current.effects = b!;
    await openShop(host, { skus: SKUS, stock: 200, at: new Date().toISOString() });

    // A steady stream of orders until told to stop.
    let placedSoFar = 0;
    const parent = host;
    placer = (async () => {
      const started = performance.now();
      let n = 0;
      while (placing) {
        if (n % 10 === 0) await throttleOrders(pool, n, MAX_IN_FLIGHT);
        const placed = await parent.execute(testOrder(n, SKUS, new Date().toISOString()), {
          commandId: `place:o-${n}`,
        });
        if (E.isLeft(placed)) throw new Error(`order ${n}: ${placed.left.message}`);
        n += 1;
        placedSoFar = n;
        const ahead = (n / ORDERS_PER_SECOND) * 1_000 - (performance.now() - started);
        if (ahead > 0) await sleep(ahead);
      }
      return n;
    })();

    const stops: Array<{
      name: string;
      inFlight: number;
      exitMs: number;
      code: number | null;
      reported: number | undefined;
    }> = [];
    for (const name of ['effects', 'core'] as const) {
      await sleep(4_000);
      const child = current[name]!;
      const inFlight = placedSoFar - (await endedOrders(pool));
      const exit = await child.terminate();
      const reported = /ordo: stopped in (\d+) ms/.exec(child.output())?.[1];
      stops.push({
        name,
        inFlight,
        exitMs: exit.elapsedMs,
        code: exit.code,
        reported: reported === undefined ? undefined : Number(reported),
      });
      assert.ok(inFlight > 0, `${name} stopped under load (${inFlight} orders in flight)`);
      assert.is(exit.signal, null, `${name} exited by itself, not by a signal`);
      assert.is(exit.code, 0, `${name} exits with 0 (an orderly stop within the deadline):\n${child.output()}`);
      assert.ok(
        exit.elapsedMs <= DEADLINE_MS,
        `${name} exited ${exit.elapsedMs} ms after SIGTERM (deadline ${DEADLINE_MS})`,
      );
      assert.ok(
        /ordo: stopped in \d+ ms$/m.test(child.output()) && !child.output().includes('deadline passed'),
        `${name} reports an orderly stop`,
      );
      const next = await startHostProcess(name, options[name]);
      children.push(next);
      current[name] = next;
    }
    await sleep(3_000);
    placing = false;
    const orders = await placer;
    const orderIds = Array.from({ length: orders }, (_, n) => `o-${n}`);
    const drained = performance.now();
    const open = await waitForTerminalOrders(host, orderIds, 60_000);
    assert.equal(open.slice(0, 5), [], `${open.length} orders not terminal`);

    const verdict = await checkMultiProcessRun({
      host,
      pool,
      effectsFiles: [options.core.effectsFile, options.effects.effectsFile],
      orderIds,
    });
    console.log(
      `NOTE ${orders} orders at ${ORDERS_PER_SECOND}/s, terminal ${Math.round(performance.now() - drained)} ms after the last (placed to terminal p50 ${verdict.latencyMs.p50} ms, p90 ${verdict.latencyMs.p90} ms, max ${verdict.latencyMs.max} ms): ${verdict.completed} completed, ${verdict.cancelled} cancelled (${formatReasons(verdict.reasons)})`,
    );
    console.log(
      `NOTE SIGTERM (deadline ${DEADLINE_MS} ms): ${stops.map((s) => `${s.name} with ${s.inFlight} orders in flight: exit ${s.code} after ${s.exitMs} ms (stop reported ${s.reported} ms)`).join('; ')}`,
    );
    console.log(
      `NOTE notifications: ${verdict.expectedNotifications} expected, ${verdict.notificationsSent} handed to senders, ${verdict.duplicateSends} duplicate sends, ${verdict.inboxRows} inbox rows; gateway: ${verdict.gatewayCalls} answers for ${verdict.gatewayPayments} payments (${verdict.gatewayRepeats} repeated asks); ${verdict.captures} captures; ${verdict.rejections.length} rejections`,
    );

    assert.equal(brokenInvariants(verdict), []);
    assert.ok(verdict.completed > orders / 2, `most orders complete (${verdict.completed})`);
    assert.equal(verdict.capturedTwice, [], 'no order captured twice');
    assert.is(verdict.gatewayRepeats, 0, 'no payment asked of the gateway twice');
    assert.is(verdict.duplicateSends, 0, 'no notification handed to a sender twice');
    assert.equal(verdict.neverSent, [], 'every notification reached a sender');
    assert.equal(verdict.missingInInbox, [], 'every notification is in the inbox');
    assert.equal(verdict.extraInInbox, [], 'the inbox holds only notifications the log calls for');
    assert.is(verdict.inboxRows, verdict.expectedNotifications, 'one inbox row per notification');
  } catch (error) {
    for (const c of children) console.error(`--- ${c.name} (pid ${c.pid}) ---\n${c.output().slice(-4_000)}`);
    throw error;
  } finally {
    placing = false;
    await placer.catch(() => 0);
    await Promise.all(children.map((c) => c.terminate()));
    await host?.stop({ deadlineMs: 10_000 });
    await pool.end();
    scratch.close();
    await db.close();
  }
});

test('a bad environment: exit code 2 and one line naming every wrong variable', async () => {
  const result = await runHostProcess({
    ORDO_KAFKA_BROKERS: 'localhost:nine',
    ORDO_ROLES: 'api,cashier',
    ORDO_SAGA_TIMEOUTS: '{"payment":-1}',
    ORDO_SHUTDOWN_DEADLINE_MS: 'soon',
  });
  assert.is(result.code, 2, result.output);
  for (const name of [
    'ORDO_STORE_URL must be set',
    'ORDO_KAFKA_BROKERS holds "localhost:nine"',
    'ORDO_ROLES holds "cashier"',
    'ORDO_SAGA_TIMEOUTS.payment',
    'ORDO_SHUTDOWN_DEADLINE_MS must be a positive integer',
  ]) {
    assert.ok(result.output.includes(name), `names ${name}: ${result.output}`);
  }
  assert.not.ok(result.output.includes('READY'), 'never ready');

  // Well-formed variables that createHost refuses: exit code 2 as well, the URL not printed.
  const refused = await runHostProcess({
    ORDO_STORE_URL: 'postgres://secret-user:secret-password@127.0.0.1:1/none',
    ORDO_KAFKA_BROKERS: '127.0.0.1:1',
    ORDO_RUNTIME: '{"timerPollMs":0}',
  });
  assert.is(refused.code, 2, refused.output);
  assert.ok(refused.output.includes('runtime.timerPollMs must be a positive integer'), refused.output);
  assert.not.ok(refused.output.includes('secret-password'), 'the connection string is not printed');
});

test.run();
