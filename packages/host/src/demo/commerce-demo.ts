/**
 * The commerce demo: the whole system end to end on the in-memory host. A catalog, limited stock,
 * customers, eight orders (some complete, one runs out of stock, one is declined, one meets a
 * silent gateway), then the read models and the invariants of docs/architecture.md.
 * Deterministic: fixed ids and a manual clock, so two runs print the same. `ordo demo` and
 * `npm run demo` (`examples/src/commerce-demo.ts`) run it.
 */
import { createManualClock } from '@ordo/adapter-memory';
import type { OrderCommand } from '@ordo/domains';
import * as E from 'fp-ts/Either';
import { createInMemoryHost } from '../composition/in-memory-host';
import type { ExecuteResult } from '../composition/host';
import { HostTokens, resolveService } from '../composition/tokens';

const START = '2024-05-01T09:00:00.000Z';
const NEXT_DAY = '2024-05-02T10:00:00.000Z';
const money = (cents: number, currency = 'EUR') => `${(cents / 100).toFixed(2)} ${currency}`;
const pad = (s: string | number, n: number) => String(s).padEnd(n);

/** Fails loudly on a set-up command the demo expects to pass. */
const ok = (what: string, result: ExecuteResult) => {
  if (E.isLeft(result)) throw new Error(`${what} was refused: ${result.left.message}`);
};

/**
 * Runs the demo, handing each line it prints to `say`; answers whether every invariant held.
 */
export const runCommerceDemo = async (say: (line?: string) => void): Promise<boolean> => {
  // 1. The host: a manual clock (timeouts fire when the demo moves it, not after a real minute),
  // fixed command ids, and gateway rules: order o-6's card is declined, o-7's request is never answered.
  const clock = createManualClock(START);
  let nextId = 0;
  const host = await createInMemoryHost({
    clock,
    ids: { next: () => `cmd-${++nextId}` },
    gatewayRules: { declineKeys: ['authorize-o-6'], noAnswerKeys: ['authorize-o-7'] },
  });
  say(`Ordo commerce demo: in-memory host, manual clock from ${START}`);

  // 2. Catalog and stock.
  const products = [
    { sku: 'mug', name: 'Mug', price: 1200, stock: 10 },
    { sku: 'tea', name: 'Green tea', price: 450, stock: 20 },
    { sku: 'kettle', name: 'Kettle', price: 3500, stock: 2 },
  ] as const;
  for (const p of products) {
    ok(`AddProduct ${p.sku}`, await host.execute({ type: 'AddProduct', ...p, currency: 'EUR', at: START }));
    ok(`ReceiveStock ${p.sku}`, await host.execute({ type: 'ReceiveStock', sku: p.sku, quantity: p.stock, at: START }));
  }
  say(`catalog     ${products.map((p) => `${p.sku} ${money(p.price)}`).join(', ')}`);
  say(`stock in    ${products.map((p) => `${p.sku} ${p.stock}`).join(', ')}`);

  // 3. Customers. E-mail addresses are unique whatever their case: Eve cannot take Ann's.
  const customers = [
    { customerId: 'c-ann', email: 'ann@example.com', password: 'correct horse' },
    { customerId: 'c-bob', email: 'bob@example.com', password: 'battery staple' },
    { customerId: 'c-eve', email: 'Ann@Example.COM', password: 'not ann at all' },
  ];
  for (const c of customers) {
    const result = await host.registerCustomer(c, { commandId: `register:${c.customerId}` });
    const outcome = E.isRight(result)
      ? 'registered'
      : `rejected: ${result.left._tag === 'DomainError' ? result.left.code : result.left._tag}`;
    say(`customer    ${pad(c.customerId, 6)} ${pad(c.email, 16)} ${outcome}`);
  }

  // 4. Bad input is a structured error naming the field, and writes nothing.
  const bad = await host.execute({ type: 'ReceiveStock', sku: 'mug', quantity: 0, at: START });
  if (E.isLeft(bad)) say(`bad input   ReceiveStock quantity 0 -> ${bad.left._tag}: ${bad.left.message}`);

  // 5. Orders. o-4 asks for more kettles than are left, o-6 is declined, o-7 gets no answer.
  const address = { name: 'Ann Smith', line1: '1 Rue de la Paix', city: 'Paris', postalCode: '75002', country: 'FR' };
  const price = (sku: string) => products.find((p) => p.sku === sku)!.price;
  const order = (orderId: string, customerId: string, basket: Record<string, number>, at: string): OrderCommand => ({
    type: 'PlaceOrder',
    orderId,
    customerId,
    lines: Object.entries(basket).map(([sku, quantity]) => ({ sku, quantity, unitPrice: price(sku) })),
    currency: 'EUR',
    shippingAddress: address,
    at,
  });
  const firstDay = [
    order('o-1', 'c-ann', { mug: 2, tea: 1 }, START),
    order('o-2', 'c-bob', { kettle: 1 }, START),
    order('o-3', 'c-ann', { tea: 3 }, START),
    order('o-4', 'c-bob', { mug: 1, kettle: 2 }, START),
    order('o-5', 'c-ann', { mug: 1 }, START),
    order('o-6', 'c-bob', { tea: 1, mug: 1 }, START),
    order('o-7', 'c-ann', { kettle: 1 }, START),
  ];
  for (const o of firstDay) ok(`PlaceOrder ${o.orderId}`, await host.execute(o, { commandId: `place:${o.orderId}` }));
  await host.runUntilIdle();
  say(
    `day 1       7 orders placed; after the run o-7 is ${(await host.orderStatus('o-7')).status}, waiting for the gateway`,
  );

  // 6. Time passes: the gateway's silence outlives the saga's 60 s payment timeout.
  clock.advance(61_000);
  await host.runUntilIdle();
  say(`+61 s       o-7's payment timeout fired: o-7 is ${(await host.orderStatus('o-7')).status}`);

  // 7. The next day, one more order.
  clock.set(NEXT_DAY);
  const o8 = order('o-8', 'c-bob', { tea: 4 }, NEXT_DAY);
  ok('PlaceOrder o-8', await host.execute(o8, { commandId: 'place:o-8' }));
  const report = await host.runUntilIdle();
  say(`day 2       o-8 placed; the host settled in ${report.steps} rounds`);

  // 8. Outcomes.
  say();
  say('outcomes');
  for (const o of [...firstDay, o8]) {
    const state = await host.orderStatus(o.orderId);
    if (state.status === 'none') throw new Error(`order ${o.orderId} was never placed`);
    const basket = state.lines.map((l) => `${l.quantity} ${l.sku}`).join(' + ');
    const why = state.status === 'cancelled' ? `  ${state.cancelReason ?? ''}` : '';
    say(`  ${pad(o.orderId, 4)} ${pad(state.status, 10)} ${pad(basket, 16)} ${money(state.total).padStart(9)}${why}`);
  }

  // 9. Read models.
  say();
  say('stock       received = available + reserved + shipped');
  const levels = await host.stockLevels();
  for (const [sku, l] of Object.entries(levels)) {
    const holds = l.received === l.available + l.reserved + l.shipped;
    say(`  ${pad(sku, 7)} ${l.received} = ${l.available} + ${l.reserved} + ${l.shipped}  ${holds ? 'ok' : 'BROKEN'}`);
  }
  const revenue = await host.revenue();
  say('revenue per day');
  for (const [day, byCurrency] of Object.entries(revenue.byDay)) {
    for (const [currency, r] of Object.entries(byCurrency)) {
      say(`  ${day}  orders ${r.orders}  gross ${money(r.gross, currency)}  net ${money(r.net, currency)}`);
    }
  }
  say('revenue per sku');
  for (const [sku, byCurrency] of Object.entries(revenue.bySku)) {
    for (const [currency, r] of Object.entries(byCurrency)) {
      say(`  ${pad(sku, 7)} ${pad(`${r.quantity} sold`, 8)} ${money(r.revenue, currency)}`);
    }
  }
  const f = await host.funnel();
  say(
    `funnel      placed ${f.placed}, confirmed ${f.confirmed}, paid ${f.paid}, shipped ${f.shipped}, ` +
      `completed ${f.completed}, cancelled ${f.cancelled}`,
  );
  for (const [reason, count] of Object.entries(f.cancellationReasons)) say(`  cancelled ${count}x: ${reason}`);

  // 10. Notifications: each sent once, whatever the redeliveries.
  const sent = host.notifications();
  const byTemplate = new Map<string, number>();
  for (const n of sent) byTemplate.set(n.template, (byTemplate.get(n.template) ?? 0) + 1);
  const distinct = new Set(sent.map((n) => n.notificationId)).size;
  say(`notifications ${sent.length} sent, ${distinct} distinct ids${distinct === sent.length ? ' (each once)' : ''}`);
  say(`  ${[...byTemplate].map(([template, count]) => `${template} ${count}`).join(', ')}`);

  // 11. Money, straight from the event log (the container holds every service of the host).
  const store = resolveService(host.container, HostTokens.EventStore);
  const log = await store.readAll();
  const sum = (type: string) =>
    log
      .filter((e) => e.event.type === type)
      .reduce((total, e) => total + (e.event as unknown as { amount: number }).amount, 0);
  const completedTotal = (await Promise.all([...firstDay, o8].map((o) => host.orderStatus(o.orderId))))
    .map((s) => (s.status === 'completed' ? s.total : 0))
    .reduce((a, b) => a + b, 0);
  say(
    `money       authorized ${money(sum('PaymentAuthorized'))}, captured ${money(sum('PaymentCaptured'))}, ` +
      `refunded ${money(sum('PaymentRefunded'))}; completed orders ${money(completedTotal)}`,
  );

  // 12. The invariants of docs/architecture.md, checked on the whole event log.
  const results = await host.checkInvariants();
  const broken = results.filter((r) => r.violations.length > 0);
  for (const r of broken) say(`BROKEN: ${r.invariant}: ${r.violations.join('; ')}`);
  say(
    broken.length === 0
      ? `invariants  OK (${results.length} checked): every order Completed or Cancelled; stock conserved; money conserved`
      : `invariants  FAILED: ${broken.length} of ${results.length} broken`,
  );
  await host.stop();
  return broken.length === 0;
};
