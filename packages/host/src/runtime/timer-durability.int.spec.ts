// Test 3 of the running host: timer durability. An order whose gateway key never answers waits
// on the saga's payment timeout (3 s). The process running `saga` and `timers` is SIGKILLed once
// the timeout is scheduled (a row in ordo_scheduled_messages), left dead past the due time, and
// started again: the timeout fires once, the order is cancelled with its compensation (stock
// released, the unanswered authorization recorded declined), and the invariants hold.
//
// The parent places the orders with `host.execute` on a host of its own (role `projections`
// only: it reads no topic) and reads the log and the tables.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import * as E from 'fp-ts/Either';
import pg from 'pg';
import { fulfilmentTimeoutId, type FulfilmentEvent, type InventoryEvent, type PaymentEvent } from '@ordo/domains';
import { createHost } from '../composition/create-host';
import type { Host } from '../composition/host';
import { HostTokens, resolveService } from '../composition/tokens';
import {
  brokenInvariants,
  checkMultiProcessRun,
  eventually,
  type HostProcess,
  type HostProcessOptions,
  openHostTestBroker,
  openHostTestDatabase,
  openScratchDir,
  openShop,
  sleep,
  startHostProcess,
  testOrder,
  waitForTerminalOrders,
} from '../test-support';

const PAYMENT_TIMEOUT_MS = 3_000;
const SILENT = 'silent-1';
const CONTROLS = ['ok-1', 'ok-2', 'ok-3'];

test('a payment timeout scheduled before a SIGKILL fires once after the restart and cancels the order', async () => {
  const db = await openHostTestDatabase('host_timer_durability');
  const broker = await openHostTestBroker();
  const scratch = openScratchDir('ordo-timer-durability');
  const topicPrefix = broker.uniquePrefix('td');
  const pool = new pg.Pool({ connectionString: db.url, max: 2 });
  const sagaTimeouts = { reserve: 20_000, payment: PAYMENT_TIMEOUT_MS, capture: 20_000, shipment: 20_000 };
  const base = {
    storeUrl: db.url,
    brokers: broker.brokers,
    topicPrefix,
    partitions: 2,
    sagaTimeouts,
    gatewayRules: { noAnswerKeys: [`authorize-${SILENT}`] },
    runtime: { timerPollMs: 100 },
  };
  const sagaProcess: HostProcessOptions = {
    ...base,
    roles: ['saga', 'timers', 'relay'],
    instanceId: 'saga',
    effectsFile: scratch.file('saga'),
  };
  const rest: HostProcessOptions = {
    ...base,
    roles: ['api', 'payments', 'shipping', 'notifications', 'relay'],
    instanceId: 'rest',
    effectsFile: scratch.file('rest'),
  };
  let host: Host | undefined;
  const children: HostProcess[] = [];
  const count = async (sql: string, values: ReadonlyArray<unknown> = []) =>
    Number((await pool.query<{ n: string }>(sql, [...values])).rows[0]?.n ?? 0);
  const timeoutId = fulfilmentTimeoutId(SILENT, 'payment');
  const scheduled = () =>
    count(`SELECT count(*) AS n FROM ordo.ordo_scheduled_messages WHERE queue = 'fulfilment' AND id = $1`, [timeoutId]);
  try {
    host = await createHost({
      store: { kind: 'postgres', connectionString: db.url, maxConnections: 4 },
      messaging: { kind: 'kafka', brokers: broker.brokers, topicPrefix, partitions: 2 },
      roles: ['projections'],
      instanceId: 'parent',
      sagaTimeouts,
      runtime: { projectionPollMs: 200 },
    });
    const [a, b] = await Promise.all([startHostProcess('saga', sagaProcess), startHostProcess('rest', rest)]);
    children.push(a!, b!);
    const store = resolveService(host.container, HostTokens.EventStore);
    await openShop(host, { skus: 3, stock: 20, at: new Date().toISOString() });

    // A few orders that complete first, as a control that the processes do work (placed before
    // the silent one, so that the kill does not catch them at their own 3 s payment step).
    for (const [n, orderId] of CONTROLS.entries()) {
      const control = await host.execute(
        { ...testOrder(n + 1, 3, new Date().toISOString()), orderId },
        { commandId: `place:${orderId}` },
      );
      assert.ok(E.isRight(control), `${orderId} placed`);
    }
    assert.equal(await waitForTerminalOrders(host, CONTROLS, 30_000), [], 'the control orders end');
    for (const orderId of CONTROLS) {
      const state = await host.orderStatus(orderId);
      assert.is(state.status, 'completed', `${orderId}: ${state.status === 'cancelled' ? state.cancelReason : ''}`);
    }
    const silentOrder = { ...testOrder(0, 3, new Date().toISOString()), orderId: SILENT };
    const placed = await host.execute(silentOrder, { commandId: `place:${SILENT}` });
    assert.ok(E.isRight(placed), 'silent order placed');

    // Kill the saga and timers process as soon as the timeout is in the table.
    assert.ok(await eventually(async () => (await scheduled()) > 0, 30_000, 50), 'the payment timeout is scheduled');
    const sagaEvents = async () =>
      (await store.readStream(`fulfilment-${SILENT}`)).map((e) => ({
        event: e.event as FulfilmentEvent,
        commandId: e.metadata.commandId ?? '',
      }));
    const requested = (await sagaEvents()).find((e) => e.event.type === 'PaymentRequested')?.event;
    assert.ok(requested?.type === 'PaymentRequested', 'the saga asked for the payment');
    const dueAt = Date.parse(requested.dueAt);
    const killedAt = Date.now();
    const exit = await a!.kill();
    assert.is(exit.signal, 'SIGKILL');
    assert.ok(killedAt < dueAt, `killed ${dueAt - killedAt} ms before the timeout was due`);
    const waiting = (await host.orderStatus(SILENT)).status;
    assert.ok(waiting === 'placed' || waiting === 'confirmed', `the order waits for its payment (${waiting})`);

    // Dead past the due time: nothing fires the timeout meanwhile.
    await sleep(Math.max(0, dueAt - Date.now()) + 1_500);
    assert.is(await scheduled(), 1, 'the timeout is still pending after its due time, with its process dead');
    assert.is((await host.orderStatus(SILENT)).status, 'confirmed', 'nothing cancelled the order meanwhile');
    assert.is(
      (await sagaEvents()).filter((e) => e.event.type === 'CompensationStarted').length,
      0,
      'nor started its compensation',
    );
    const deadMs = Date.now() - killedAt;

    const restarted = performance.now();
    const again = await startHostProcess('saga', sagaProcess);
    children.push(again);
    const open = await waitForTerminalOrders(host, [SILENT], 60_000);
    assert.equal(open, [], 'every order terminal');
    const firedMs = Math.round(performance.now() - restarted);

    const silent = await host.orderStatus(SILENT);
    assert.is(silent.status, 'cancelled');
    assert.ok(
      silent.status === 'cancelled' && (silent.cancelReason ?? '').includes('timed out'),
      `cancelled for the timeout (${silent.status === 'cancelled' ? silent.cancelReason : silent.status})`,
    );

    const verdict = await checkMultiProcessRun({
      host,
      pool,
      effectsFiles: [sagaProcess.effectsFile, rest.effectsFile],
      orderIds: [SILENT, ...CONTROLS],
    });
    assert.equal(brokenInvariants(verdict), []);

    // The timeout fired once: one saga input under its message id, one compensation for it.
    const events = await sagaEvents();
    const timeoutInputs = new Set(
      events.filter((e) => e.commandId.startsWith(`timeout:${timeoutId}:`)).map((e) => e.commandId),
    );
    assert.is(timeoutInputs.size, 1, `one timeout input in the saga stream (${[...timeoutInputs].join(', ')})`);
    const compensations = events.filter((e) => e.event.type === 'CompensationStarted');
    assert.is(compensations.length, 1, 'one compensation');
    const compensation = compensations[0]!;
    assert.is(compensation.commandId, [...timeoutInputs][0], 'started by the timeout');
    assert.ok(
      compensation.event.type === 'CompensationStarted' && compensation.event.failedStep === 'payment',
      'the payment step failed',
    );
    assert.is(events.filter((e) => e.event.type === 'FulfilmentCompensated').length, 1, 'compensated once');
    assert.is(await scheduled(), 0, 'the fired timeout left the table');

    // Its compensation: every reserved unit released, the unanswered authorization declined.
    const all = await store.readAll();
    let reserved = 0;
    let released = 0;
    for (const e of all) {
      const ev = e.event as InventoryEvent;
      if (ev.type === 'StockReserved' && ev.orderId === SILENT) reserved += ev.quantity;
      if (ev.type === 'ReservationReleased' && ev.orderId === SILENT) released += ev.quantity;
    }
    const lines = silentOrder.type === 'PlaceOrder' ? silentOrder.lines : [];
    const units = lines.reduce((sum, l) => sum + l.quantity, 0);
    assert.ok(units > 0, 'the silent order has lines');
    assert.is(reserved, units, 'its stock had been reserved');
    assert.is(released, units, 'and is released');
    const payment = (await store.readStream(`payment-pay-${SILENT}`)).map((e) => (e.event as PaymentEvent).type);
    assert.ok(payment.includes('PaymentDeclined'), `the unanswered authorization is recorded declined (${payment})`);
    assert.not.ok(payment.includes('PaymentAuthorized'), 'and never authorized');
    assert.ok(verdict.gatewayCalls >= 1, 'the gateway was asked');
    console.log(
      `NOTE timer durability: timeout due ${dueAt - killedAt} ms after the SIGKILL, process dead ${deadMs} ms, order cancelled ${firedMs} ms after the restart; timeout inputs 1, compensations 1; ${CONTROLS.length} control orders completed; reason "${silent.status === 'cancelled' ? silent.cancelReason : ''}"`,
    );
  } catch (error) {
    for (const c of children) console.error(`--- ${c.name} (pid ${c.pid}) ---\n${c.output().slice(-4_000)}`);
    throw error;
  } finally {
    await Promise.all(children.map((c) => c.terminate()));
    await host?.stop({ deadlineMs: 10_000 });
    await pool.end();
    scratch.close();
    await db.close();
  }
});

test.run();
