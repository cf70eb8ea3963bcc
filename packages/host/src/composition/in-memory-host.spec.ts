import * as E from 'fp-ts/Either';
import { createManualClock } from '@ordo/adapter-memory';
import type { OrderCommand, PaymentGateway } from '@ordo/domains';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { createScryptPasswordHasher } from '../identity/scrypt-password-hasher';
import type { CommerceCommand, Host } from './host';
import { HostNotSettledError, HostStoppedError, HostWorkerError } from './host-errors';
import type { InMemoryHostOptions } from './host-options';
import { createInMemoryHost } from './in-memory-host';
import { HostTokens, resolveService, type Token } from './tokens';

const at = '2024-05-01T09:00:00.000Z';
const address = { name: 'Ada', line1: '1 Main St', city: 'Paris', postalCode: '75001', country: 'FR' };
// A cheap scrypt cost: the specs check the wiring, not the hash strength.
const passwordHasher = createScryptPasswordHasher({ N: 1024 });

const hostWith = async (options: InMemoryHostOptions = {}) => {
  let n = 0;
  const clock = createManualClock(at);
  const host = await createInMemoryHost({ clock, ids: { next: () => `cmd-${++n}` }, passwordHasher, ...options });
  return { host, clock };
};

const expectRight = async (host: Host, command: CommerceCommand) => {
  const result = await host.execute(command);
  if (E.isLeft(result)) assert.unreachable(`${command.type} refused: ${result.left.message}`);
};

/** A shop with two skus: `mug` (stock `mugs`) and `tea` (stock 10). */
const shop = async (host: Host, mugs: number, when = at) => {
  for (const [sku, price, quantity] of [
    ['mug', 1200, mugs],
    ['tea', 450, 10],
  ] as const) {
    await expectRight(host, { type: 'AddProduct', sku, name: sku, price, currency: 'EUR', at: when });
    await expectRight(host, { type: 'ReceiveStock', sku, quantity, at: when });
  }
};

const place = (orderId: string, lines: Record<string, number>, when = at): OrderCommand => ({
  type: 'PlaceOrder',
  orderId,
  customerId: 'c-1',
  lines: Object.entries(lines).map(([sku, quantity]) => ({ sku, quantity, unitPrice: sku === 'mug' ? 1200 : 450 })),
  currency: 'EUR',
  shippingAddress: address,
  at: when,
});

const brokenInvariants = async (host: Host) =>
  (await host.checkInvariants()).filter((r) => r.violations.length > 0).map((r) => `${r.invariant}: ${r.violations}`);

test('the container resolves every service, and two hosts share none', async () => {
  const { host } = await hostWith();
  const other = await createInMemoryHost(); // all defaults: nothing passed in is shared either
  for (const [name, token] of Object.entries(HostTokens) as Array<[string, Token<unknown>]>) {
    const service = resolveService(host.container, token);
    assert.ok(service !== undefined && service !== null, `${name} resolved`);
    assert.is(resolveService(host.container, token), service, `${name} is a singleton in its host`);
    assert.is.not(resolveService(other.container, token), service, `${name} is not shared with another host`);
  }
  assert.is(resolveService(host.container, HostTokens.Clock), host.clock);
});

test('execute answers a ValidationError naming the field, or unknown_command, and writes nothing', async () => {
  const { host } = await hostWith();
  const store = resolveService(host.container, HostTokens.EventStore);
  const bad = await host.execute({ type: 'ReceiveStock', sku: 'mug', quantity: -2, at } as CommerceCommand);
  assert.ok(E.isLeft(bad) && bad.left._tag === 'ValidationError');
  assert.ok(E.isLeft(bad) && bad.left._tag === 'ValidationError' && bad.left.issues.some((i) => i.path === 'quantity'));
  for (const command of [{ type: 'Teleport' }, { type: 'RequestPaymentAuthorization' }, { type: 'toString' }, 42]) {
    const result = await host.execute(command as unknown as CommerceCommand);
    assert.ok(E.isLeft(result) && result.left._tag === 'DomainError' && result.left.code === 'unknown_command');
  }
  assert.is((await store.readAll()).length, 0, 'nothing was written');
});

test('an order completes end to end: stock shipped, money captured, read models and notifications follow', async () => {
  const { host } = await hostWith();
  await shop(host, 5);
  await expectRight(host, place('o-1', { mug: 2, tea: 1 }));
  assert.is((await host.orderStatus('o-1')).status, 'placed', 'nothing downstream runs before runUntilIdle');
  const report = await host.runUntilIdle();
  assert.ok(report.steps > 0 && report.published > 0 && report.carrierActions > 0);
  const order = await host.orderStatus('o-1');
  assert.is(order.status, 'completed');
  assert.equal((await host.stockLevels()).mug, { received: 5, available: 3, reserved: 0, shipped: 2 });
  assert.equal((await host.revenue()).byDay, {
    '2024-05-01': { EUR: { gross: 2850, refunded: 0, net: 2850, orders: 1 } },
  });
  assert.is((await host.funnel()).completed, 1);
  assert.is((await host.catalog()).mug?.price, 1200);
  const templates = host.notifications().map((n) => n.template);
  assert.equal(templates.sort(), [
    'order_completed',
    'order_received',
    'payment_received',
    'shipment_delivered',
    'shipment_dispatched',
  ]);
  assert.equal(await brokenInvariants(host), []);
  assert.is((await host.runUntilIdle()).steps, 0, 'a second run finds nothing to do');
  assert.equal(await host.pending(), { outbox: 0, paymentCalls: 0, timeouts: 0, carrierActionsDue: 0 });
});

test('on the real clock (the default) an order completes in one run', async () => {
  const host = await createInMemoryHost({ passwordHasher });
  // The saga's timeouts run from the business time the commands carry: on the real clock, an
  // order dated in the past would find its reservation timeout already due.
  const now = new Date().toISOString();
  await shop(host, 5, now);
  await expectRight(host, place('o-1', { mug: 1 }, now));
  await host.runUntilIdle();
  assert.is((await host.orderStatus('o-1')).status, 'completed');
  assert.equal(await brokenInvariants(host), []);
  await host.stop();
});

test('a shortage cancels the order and releases the lines it had reserved', async () => {
  const { host } = await hostWith();
  await shop(host, 1);
  await expectRight(host, place('o-1', { tea: 3, mug: 2 }));
  await host.runUntilIdle();
  const order = await host.orderStatus('o-1');
  assert.is(order.status, 'cancelled');
  assert.match(order.status === 'cancelled' ? (order.cancelReason ?? '') : '', /insufficient_stock/);
  const levels = await host.stockLevels();
  assert.equal(levels.tea, { received: 10, available: 10, reserved: 0, shipped: 0 }, 'tea released');
  assert.equal(levels.mug, { received: 1, available: 1, reserved: 0, shipped: 0 });
  assert.equal((await host.funnel()).cancellationReasons, {
    [order.status === 'cancelled' ? order.cancelReason! : '']: 1,
  });
  assert.equal(await brokenInvariants(host), []);
});

test('a declined card and a silent gateway cancel their orders; the timeout waits for the clock', async () => {
  const { host, clock } = await hostWith({
    gatewayRules: { declineKeys: ['authorize-o-1'], noAnswerKeys: [/o-2$/] },
  });
  await shop(host, 5);
  await expectRight(host, place('o-1', { mug: 1 }));
  await expectRight(host, place('o-2', { mug: 1 }));
  await host.runUntilIdle();
  assert.is((await host.orderStatus('o-1')).status, 'cancelled');
  assert.is((await host.orderStatus('o-2')).status, 'confirmed', 'still waiting for the gateway');
  assert.is((await host.nextWakeUp())?.toISOString(), '2024-05-01T09:01:00.000Z', 'the 60 s payment timeout');
  clock.advance(59_000);
  await host.runUntilIdle();
  assert.is((await host.orderStatus('o-2')).status, 'confirmed', 'not due yet');
  clock.advance(1_000);
  const report = await host.runUntilIdle();
  assert.is(report.timeoutsFired, 1);
  const o2 = await host.orderStatus('o-2');
  assert.is(o2.status, 'cancelled');
  assert.equal((await host.stockLevels()).mug, { received: 5, available: 5, reserved: 0, shipped: 0 });
  assert.is(await host.nextWakeUp(), undefined);
  assert.equal(await brokenInvariants(host), []);
});

test('registerCustomer keeps e-mail addresses unique whatever their case, and validates the password', async () => {
  const { host } = await hostWith();
  const ann = await host.registerCustomer({ customerId: 'c-ann', email: 'ann@example.com', password: 'secret-1' });
  assert.ok(E.isRight(ann));
  const eve = await host.registerCustomer({ customerId: 'c-eve', email: ' ANN@example.com', password: 'secret-2' });
  assert.ok(E.isLeft(eve) && eve.left._tag === 'DomainError' && eve.left.code === 'email_taken');
  // Ann registering again is refused, but she keeps her address: Eve still cannot take it.
  const again = await host.registerCustomer({ customerId: 'c-ann', email: 'ann@example.com', password: 'secret-3' });
  assert.ok(E.isLeft(again));
  const eveAgain = await host.registerCustomer({ customerId: 'c-eve', email: 'Ann@Example.com', password: 'x-secret' });
  assert.ok(E.isLeft(eveAgain) && eveAgain.left._tag === 'DomainError' && eveAgain.left.code === 'email_taken');
  const noPassword = await host.registerCustomer({ customerId: 'c-bob', email: 'bob@example.com', password: '' });
  assert.ok(E.isLeft(noPassword) && noPassword.left._tag === 'ValidationError');
  const store = resolveService(host.container, HostTokens.EventStore);
  assert.equal(await store.readStream('email-bob@example.com'), [], 'nothing reserved for a refused registration');
  // The stored hash verifies against the password, and is not the password.
  const [registered] = await store.readStream('customer-c-ann');
  const hash = (registered?.event as unknown as { passwordHash: string }).passwordHash;
  assert.is.not(hash, 'secret-1');
  assert.ok(await passwordHasher.verify('secret-1', hash));
});

test('runUntilIdle throws HostNotSettledError when its step budget runs out', async () => {
  const { host } = await hostWith();
  await shop(host, 5);
  await expectRight(host, place('o-1', { mug: 1 }));
  try {
    await host.runUntilIdle({ maxSteps: 1 });
    assert.unreachable('should not settle in one step');
  } catch (error) {
    assert.instance(error, HostNotSettledError);
    assert.match((error as Error).message, /did not settle within 1 steps/);
  }
  // More budget finishes the work: nothing was lost.
  await host.runUntilIdle();
  assert.is((await host.orderStatus('o-1')).status, 'completed');
});

test('a worker that keeps failing surfaces as HostWorkerError', async () => {
  const { host } = await hostWith({
    notificationSender: {
      send: async () => {
        throw new Error('smtp down');
      },
    },
  });
  await shop(host, 5);
  await expectRight(host, place('o-1', { mug: 1 }));
  try {
    await host.runUntilIdle();
    assert.unreachable('should report the failing sender');
  } catch (error) {
    assert.instance(error, HostWorkerError);
    assert.match(
      (error as Error).message,
      /bus gave up on OrderPlaced .* for notifications after 5 attempts: Error: smtp down/,
    );
  }
  assert.equal(host.notifications(), [], 'a failed send is not recorded as sent');
});

test('configure replaces a service before anything is resolved', async () => {
  const declineAll: PaymentGateway = { authorize: async () => ({ outcome: 'declined', reason: 'bank_closed' }) };
  const { host } = await hostWith({
    configure: (c) => c.register(HostTokens.PaymentGateway, { useValue: declineAll }),
  });
  assert.is(resolveService(host.container, HostTokens.PaymentGateway), declineAll);
  await shop(host, 5);
  await expectRight(host, place('o-1', { mug: 1 }));
  await host.runUntilIdle();
  const order = await host.orderStatus('o-1');
  assert.ok(order.status === 'cancelled' && /bank_closed/.test(order.cancelReason ?? ''));
});

test('after stop the host takes no command and runs no work', async () => {
  const { host } = await hostWith();
  await host.stop();
  await host.stop(); // idempotent
  try {
    await host.execute({ type: 'ReceiveStock', sku: 'mug', quantity: 1, at });
    assert.unreachable('execute after stop');
  } catch (error) {
    assert.instance(error, HostStoppedError);
  }
  try {
    await host.runUntilIdle();
    assert.unreachable('runUntilIdle after stop');
  } catch (error) {
    assert.instance(error, HostStoppedError);
  }
});

test.run();
