import * as E from 'fp-ts/Either';
import { createManualClock } from '@ordo/adapter-memory';
import { InvalidInputError } from '@ordo/kernel';
import type { OrderCommand, PaymentGateway } from '@ordo/domains';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { createScryptPasswordHasher } from '../identity/scrypt-password-hasher';
import { eventually, openShop, testOrder } from '../test-support';
import { createHost } from './create-host';
import type { Host } from './host';
import { HostConfigError } from './host-config';
import { HostStoppedError } from './host-errors';
import type { HostConfig } from './host-options';

const passwordHasher = createScryptPasswordHasher({ N: 1024 });

const configError = async (config: unknown): Promise<HostConfigError> => {
  try {
    const host = await createHost(config as HostConfig);
    await host.stop();
  } catch (error) {
    assert.instance(error, HostConfigError);
    assert.instance(error, InvalidInputError);
    return error as HostConfigError;
  }
  return assert.unreachable('the configuration was accepted') as never;
};

test('a wrong configuration is one HostConfigError naming every wrong field; secrets stay hidden', async () => {
  const error = await configError({
    store: { kind: 'postgres', connectionString: 'mysql://root:hunter2@db/shop', schema: 'Bad-Name' },
    messaging: { kind: 'kafka', brokers: ['localhost'], partitions: 0 },
    roles: ['api', 'cashier'],
    runtime: { relayPollMs: -1 },
    colour: 'blue',
  });
  assert.is(error.code, 'invalid_host_config');
  assert.equal(error.issues.map((i) => i.path).sort(), [
    'colour',
    'messaging.brokers.0',
    'messaging.partitions',
    'roles.1',
    'runtime.relayPollMs',
    'store.connectionString',
    'store.schema',
  ]);
  assert.not.match(error.message, /hunter2/);
  assert.not.match(JSON.stringify(error.issues), /hunter2/);
  assert.ok(error.issues.some((i) => i.path === 'store.connectionString' && i.actual === '<hidden>'));
});

test('split roles need Kafka, runUntilIdle needs a manual host, kinds are checked', async () => {
  assert.equal(
    (await configError({ roles: ['api'] })).issues.map((i) => i.path),
    ['roles'],
  );
  assert.equal(
    (await configError({ store: { kind: 'mongo' } })).issues.map((i) => i.path),
    ['store.kind'],
  );
  assert.equal(
    (await configError({ messaging: 'kafka' })).issues.map((i) => i.path),
    ['messaging'],
  );
  assert.equal(
    (await configError({ clock: 'slow' })).issues.map((i) => i.path),
    ['clock'],
  );
  assert.equal(
    (await configError({ store: { kind: 'memory', relay: 'bus' } })).issues.map((i) => i.path),
    ['store.relay'],
  );
  const host = await createHost({ passwordHasher });
  try {
    assert.is(host.run, 'auto');
    await host.runUntilIdle().then(
      () => assert.unreachable('runUntilIdle ran on an auto host'),
      (error: unknown) => assert.instance(error, HostConfigError),
    );
  } finally {
    await host.stop();
  }
});

/** Places `orders` orders and waits for every one to end; answers the statuses. */
const runOrders = async (host: Host, orders: number, at: string) => {
  await openShop(host, { skus: 3, stock: 12, at });
  for (let n = 0; n < orders; n++) {
    const placed = await host.execute(testOrder(n, 3, at), { commandId: `place:o-${n}` });
    assert.ok(E.isRight(placed));
  }
  const statuses = async () => Promise.all(Array.from({ length: orders }, (_, n) => host.orderStatus(`o-${n}`)));
  const terminal = async () => (await statuses()).every((s) => s.status === 'completed' || s.status === 'cancelled');
  return { terminal, statuses };
};

test('on the real clock the host runs by itself: orders end without runUntilIdle; health is ready', async () => {
  const host = await createHost({ passwordHasher, gatewayRules: { declineKeys: [/-4$/] } });
  try {
    const { terminal, statuses } = await runOrders(host, 10, new Date().toISOString());
    assert.ok(await eventually(terminal, 10_000, 20), 'every order ended');
    const ended = await statuses();
    assert.ok(ended.some((s) => s.status === 'completed'));
    assert.ok(
      ended.some((s) => s.status === 'cancelled'),
      ended.map((s) => s.status).join(','),
    );
    assert.ok(await eventually(async () => (await host.funnel()).placed === 10, 5_000, 20), 'projections follow');
    const health = await host.health();
    assert.ok(health.live && health.ready, health.reasons.join('; '));
    assert.equal(health.roles.length, 8);
    assert.ok(health.workers.some((w) => w.name === 'relay' && w.running));
    assert.ok(health.workers.some((w) => w.name === 'timers' && w.running));
    // Notifications and read models follow the orders' last events: the invariants hold once they caught up.
    const broken = async () => (await host.checkInvariants()).filter((r) => r.violations.length > 0);
    await eventually(async () => (await broken()).length === 0, 5_000, 50);
    assert.equal(await broken(), []);
  } finally {
    const report = await host.stop();
    assert.is(report.timedOut, false);
  }
  const health = await host.health();
  assert.is(health.live, false);
  assert.is(health.ready, false);
  assert.ok(health.reasons.includes('the host is stopped'));
  await host.execute(testOrder(99, 3, new Date().toISOString())).then(
    () => assert.unreachable('a stopped host took a command'),
    (error: unknown) => assert.instance(error, HostStoppedError),
  );
});

test('with the log as the outbox (the EventStoreDB relay path, on the in-memory store) the system runs the same', async () => {
  const clock = createManualClock('2024-05-01T09:00:00.000Z');
  const host = await createHost({
    store: { kind: 'memory', relay: 'log' },
    clock,
    passwordHasher,
    gatewayRules: { declineKeys: [/-1$/], noAnswerKeys: [/-2$/] },
  });
  try {
    const at = clock.now().toISOString();
    const { statuses } = await runOrders(host, 6, at);
    await host.runUntilIdle();
    assert.is((await host.orderStatus('o-2')).status, 'confirmed', 'waiting for the silent gateway');
    clock.advance(61_000);
    await host.runUntilIdle();
    const ended = (await statuses()).map((s) => s.status);
    assert.is(ended[0], 'completed');
    assert.is(ended[1], 'cancelled', 'declined');
    assert.is(ended[2], 'cancelled', 'the payment timeout fired');
    assert.ok(ended.every((s) => s === 'completed' || s === 'cancelled'));
    const broken = (await host.checkInvariants()).filter((r) => r.violations.length > 0);
    assert.equal(broken, []);
    assert.is((await host.health()).outboxPending, 0, 'no outbox to count');
  } finally {
    await host.stop();
  }
});

test('stop waits for a handler in flight until its deadline, then closes anyway and says so', async () => {
  let release: (() => void) | undefined;
  const hanging: PaymentGateway = {
    authorize: () =>
      new Promise((resolve) => {
        release = () => resolve({ outcome: 'approved' });
      }),
  };
  const host = await createHost({ passwordHasher, paymentGateway: hanging, runtime: { gatewayTimeoutMs: 60_000 } });
  const at = new Date().toISOString();
  await openShop(host, { skus: 3, stock: 12, at });
  const order: OrderCommand = testOrder(0, 3, at);
  await host.execute(order, { commandId: 'place:o-0' });
  assert.ok(await eventually(async () => release !== undefined, 5_000, 10), 'the gateway was called');
  const report = await host.stop({ deadlineMs: 300 });
  assert.is(report.timedOut, true);
  assert.ok(report.elapsedMs >= 290 && report.elapsedMs < 5_000, `stopped after ${report.elapsedMs} ms`);
  release?.();
});

test.run();
