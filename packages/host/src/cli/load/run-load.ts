/**
 * A load run of `ordo load`: a shop's customers on a running `ordo serve`. Seeds products and
 * stock as the administrator, registers and logs in the customers, then runs shopping sessions
 * (browse `GET /catalog`, place `POST /orders` with an `Idempotency-Key`, maybe cancel, look at
 * the order `GET /orders/{id}`) at a concurrency or a rate, waits for every placed order to end,
 * and checks the invariants through the API.
 */
import { randomBytes } from 'node:crypto';
import { performance } from 'node:perf_hooks';
import { setTimeout as sleep } from 'node:timers/promises';
import { drive, type DriveResult } from './driver';
import { createLoadClient, type LoadClient, type LoadResponse, problemCode } from './http-client';
import {
  type CatalogProduct,
  describeFailure,
  LoadError,
  loadAddress,
  logIn,
  type OrderLineBody,
  orderViewOf,
  readCatalog,
  registerShoppers,
  seedProducts,
  type Shopper,
  TERMINAL_STATUSES,
} from './shop-api';

/** What a load run does. */
export interface LoadOptions {
  /** The server, `http://127.0.0.1:3000`. */
  readonly url: string;
  /** Shopping sessions at once (closed loop), or the most in flight with `ratePerSecond`. */
  readonly concurrency: number;
  /** Sessions started per second (open loop). */
  readonly ratePerSecond?: number;
  /** Orders to place (sessions to run); or `durationMs`. */
  readonly orders?: number;
  readonly durationMs?: number;
  /** Customers to register; sessions take turns among them. */
  readonly customers: number;
  /** The bootstrap admin: seeds, and reads stock and revenue for the invariants. */
  readonly admin?: { readonly email: string; readonly password: string };
  /** Add products and receive stock first (needs `admin`). */
  readonly seed: boolean;
  readonly products: number;
  /** Units of stock received per product when seeding. */
  readonly stock: number;
  /** Percentage (0..100) of orders their customer cancels right after placing them. */
  readonly cancelPercent: number;
  /** How long to wait for every placed order to reach a terminal status. */
  readonly settleTimeoutMs: number;
  readonly requestTimeoutMs: number;
  /** Seed of the sessions' choices (products, quantities, cancellations). */
  readonly randomSeed: number;
}

/** What the run tells as it goes. */
export interface LoadHooks {
  /** A line about a phase (`registering 8 customers`). */
  note(line: string): void;
  /** Sessions done (of `options.orders`, or by time with `durationMs`). */
  loadProgress(done: number, elapsedMs: number, failed: number): void;
  /** Placed orders that reached a terminal status, of `placed`. */
  settleProgress(terminal: number, placed: number): void;
}

/** One checked invariant; `ok: undefined` = skipped. */
export interface InvariantResult {
  readonly name: string;
  readonly ok: boolean | undefined;
  readonly detail: string;
}

/** One operation's figures. */
export interface OperationReport {
  readonly operation: string;
  readonly ok: number;
  readonly failed: number;
  readonly p50Ms: number;
  readonly p90Ms: number;
  readonly p99Ms: number;
  readonly maxMs: number;
  readonly meanMs: number;
}

/** What a load run found. */
export interface LoadReport {
  readonly url: string;
  readonly runId: string;
  readonly randomSeed: number;
  readonly mode: string;
  readonly customers: number;
  readonly products: ReadonlyArray<string>;
  readonly sessions: number;
  readonly loadSeconds: number;
  readonly ordersPerSecond: number;
  readonly requestsPerSecond: number;
  readonly maxLagMs: number;
  /** Operations of the load phase (sessions), with their latencies. */
  readonly operations: ReadonlyArray<OperationReport>;
  readonly client: LoadClient;
  readonly outcomes: {
    readonly placed: number;
    readonly completed: number;
    readonly cancelled: Readonly<Record<string, number>>;
    readonly open: number;
    /** Failed requests by `operation status code`, over the whole run. */
    readonly failures: Readonly<Record<string, number>>;
  };
  readonly settleSeconds: number;
  readonly invariants: ReadonlyArray<InvariantResult>;
  /** Every invariant held (skipped ones aside). */
  readonly ok: boolean;
}

/** A small seeded generator (mulberry32): the same seed, the same sessions. */
export const seededRandom = (seed: number): (() => number) => {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4_294_967_296;
  };
};

/**
 * A cancellation reason without its particulars: `stock of mug refused: insufficient_stock (only
 * 0 of mug available)` -> `insufficient_stock`; a reason without a code stays as it is.
 */
export const reasonKey = (reason: string | undefined): string => {
  if (reason === undefined || reason === '') return 'unknown';
  if (/^[a-z][a-z0-9_]*$/.test(reason)) return reason;
  return /(?:^|:\s*)([a-z][a-z0-9]*(?:_[a-z0-9]+)+)/.exec(reason)?.[1] ?? reason.slice(0, 60);
};

/** Operations of the shopping sessions, in the order the report lists them. */
export const SESSION_OPERATIONS = [
  'GET /catalog',
  'POST /orders',
  'POST /orders/{id}/cancel',
  'GET /orders/{id}',
] as const;

interface Placed {
  readonly orderId: string;
  readonly shopper: Shopper;
  status: string;
  total: number;
  currency: string;
  cancelReason: string | undefined;
}

const isRecord = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null;

/** Gross revenue per currency, summed over the days of `GET /analytics/revenue`. */
const grossByCurrency = (body: unknown): Map<string, number> => {
  const out = new Map<string, number>();
  if (!isRecord(body) || !isRecord(body.byDay)) return out;
  for (const day of Object.values(body.byDay)) {
    if (!isRecord(day)) continue;
    for (const [currency, figures] of Object.entries(day)) {
      if (isRecord(figures) && typeof figures.gross === 'number') {
        out.set(currency, (out.get(currency) ?? 0) + figures.gross);
      }
    }
  }
  return out;
};

const readRevenue = async (client: LoadClient, token: string): Promise<Map<string, number>> => {
  const response = await client.request('GET /analytics/revenue', 'GET', '/analytics/revenue', { token });
  if (response.status !== 200) throw new LoadError(describeFailure('GET /analytics/revenue', response));
  return grossByCurrency(response.body);
};

const money = (amounts: ReadonlyMap<string, number>): string =>
  amounts.size === 0
    ? 'nothing'
    : [...amounts]
        .sort(([a], [b]) => a.localeCompare(b))
        .map(([c, n]) => `${n.toLocaleString('en-US')} ${c}`)
        .join(', ');

const sameAmounts = (a: ReadonlyMap<string, number>, b: ReadonlyMap<string, number>): boolean =>
  [...new Set([...a.keys(), ...b.keys()])].every((c) => (a.get(c) ?? 0) === (b.get(c) ?? 0));

/** The products a session picks from: those of the run's currency. */
const pickProducts = (products: ReadonlyArray<CatalogProduct>): ReadonlyArray<CatalogProduct> => {
  const byCurrency = new Map<string, CatalogProduct[]>();
  for (const p of products) byCurrency.set(p.currency, [...(byCurrency.get(p.currency) ?? []), p]);
  return [...byCurrency.values()].sort((a, b) => b.length - a.length)[0] ?? [];
};

/** Runs a load as `options` says, telling `hooks` as it goes; throws a {@link LoadError} when it cannot. */
export const runLoad = async (options: LoadOptions, hooks: LoadHooks): Promise<LoadReport> => {
  const runId = randomBytes(4).toString('hex');
  const client = createLoadClient({ baseUrl: options.url, timeoutMs: options.requestTimeoutMs });
  const onWait = (what: string) => (seconds: number) =>
    hooks.note(`${what}: rate limited, waiting ${seconds} s as Retry-After says`);

  const live = await client.request('GET /health/live', 'GET', '/health/live');
  if (live.status !== 200) {
    throw new LoadError(
      live.status === 0
        ? `cannot reach ${client.baseUrl}: ${live.error ?? 'no answer'} (is 'ordo serve' running there?)`
        : describeFailure(`${client.baseUrl}: GET /health/live`, live),
    );
  }

  const adminToken =
    options.admin === undefined
      ? undefined
      : await logIn(client, options.admin.email, options.admin.password, onWait('logging in the admin'), 'admin');
  const skus = Array.from({ length: options.products }, (_, i) => `load-${i + 1}`);
  if (options.seed) {
    if (adminToken === undefined) throw new LoadError('seeding needs the admin (--admin-email, --admin-password)');
    hooks.note(`seeding ${skus.length} products with ${options.stock.toLocaleString('en-US')} units each`);
    const products = skus.map((sku, i) => ({
      sku,
      name: `Load product ${i + 1}`,
      price: 100 * (i + 1) + 99,
      currency: 'EUR',
    }));
    await seedProducts(client, adminToken, products, options.stock, runId, onWait('seeding'));
  }
  // The catalog is a read model: a product just added appears a moment later.
  let catalog: ReadonlyArray<CatalogProduct> = [];
  const catalogDeadline = performance.now() + 10_000;
  for (;;) {
    const all = await readCatalog(client, 'GET /catalog (setup)');
    catalog = options.seed ? all.filter((p) => skus.includes(p.sku)) : pickProducts(all);
    if (catalog.length >= (options.seed ? skus.length : 1) || performance.now() > catalogDeadline) break;
    await sleep(100);
  }
  if (catalog.length === 0) {
    throw new LoadError(
      options.seed
        ? 'the seeded products did not appear in GET /catalog within 10 s'
        : 'GET /catalog lists no product on sale: seed some (leave out --no-seed, give the admin)',
    );
  }
  const revenueBefore = adminToken === undefined ? undefined : await readRevenue(client, adminToken);

  hooks.note(`registering and logging in ${options.customers} customers`);
  const shoppers = await registerShoppers(
    client,
    { count: options.customers, runId, parallel: Math.min(options.concurrency, 8) },
    onWait('registering customers'),
  );

  // The load: shopping sessions.
  const placed: Placed[] = [];
  let failedRequests = 0;
  let requests = 0;
  const send = async (
    shopper: Shopper,
    operation: string,
    method: string,
    path: string,
    body?: unknown,
    key?: string,
  ) => {
    const call = () =>
      client.request(operation, method, path, {
        token: shopper.token,
        ...(body === undefined ? {} : { body }),
        ...(key === undefined ? {} : { headers: { 'idempotency-key': key } }),
      });
    requests += 1;
    let response: LoadResponse = await call();
    if (response.status === 401 && problemCode(response.body) === 'invalid_token') {
      // The token expired during a long run: log in again, once.
      shopper.token = await logIn(client, shopper.email, shopper.password, onWait('logging in again'));
      requests += 1;
      response = await call();
    }
    if (response.status < 200 || response.status >= 300) failedRequests += 1;
    return response;
  };
  const session = async (n: number) => {
    const random = seededRandom((options.randomSeed ^ Math.imul(n + 1, 0x9e3779b1)) >>> 0);
    const shopper = shoppers[n % shoppers.length]!;
    requests += 1;
    const browsed = await client.request('GET /catalog', 'GET', '/catalog');
    if (browsed.status !== 200) failedRequests += 1;
    const count = Math.min(catalog.length, 1 + Math.floor(random() * 3));
    const pool = [...catalog];
    const lines: OrderLineBody[] = [];
    for (let i = 0; i < count; i++) {
      const [product] = pool.splice(Math.floor(random() * pool.length), 1);
      if (product !== undefined) {
        lines.push({ sku: product.sku, quantity: 1 + Math.floor(random() * 3), unitPrice: product.price });
      }
    }
    const currency = catalog[0]!.currency;
    const body = { lines, currency, shippingAddress: loadAddress(n) };
    const answer = await send(shopper, 'POST /orders', 'POST', '/orders', body, `load-${runId}-${n}`);
    const view = orderViewOf(answer.body);
    if (answer.status !== 201 || view === undefined) return;
    const order: Placed = {
      orderId: view.orderId,
      shopper,
      status: view.status,
      total: view.total,
      currency: view.currency,
      cancelReason: undefined,
    };
    placed.push(order);
    const path = `/orders/${encodeURIComponent(order.orderId)}`;
    if (random() * 100 < options.cancelPercent) {
      await send(
        shopper,
        'POST /orders/{id}/cancel',
        'POST',
        `${path}/cancel`,
        { reason: 'changed_my_mind' },
        `load-${runId}-${n}-cancel`,
      );
    }
    await send(shopper, 'GET /orders/{id}', 'GET', path);
  };

  const mode =
    options.ratePerSecond === undefined
      ? `${options.concurrency} shoppers at once`
      : `${options.ratePerSecond} sessions/s (at most ${options.concurrency} in flight)`;
  hooks.note(
    `running ${options.orders === undefined ? `for ${(options.durationMs ?? 0) / 1000} s` : `${options.orders} orders`}, ${mode}, ${shoppers.length} customers, ${catalog.length} products, seed ${options.randomSeed}`,
  );
  const loadStarted = performance.now();
  let driven = 0;
  const ticker = setInterval(
    () => hooks.loadProgress(driven, performance.now() - loadStarted, failedRequests),
    options.durationMs === undefined ? 1_000 : 100,
  );
  let result: DriveResult;
  try {
    result = await drive({
      concurrency: options.concurrency,
      ...(options.ratePerSecond === undefined ? {} : { ratePerSecond: options.ratePerSecond }),
      ...(options.orders === undefined ? {} : { total: options.orders }),
      ...(options.durationMs === undefined ? {} : { durationMs: options.durationMs }),
      step: (n) => session(n),
      onStep: (done) => {
        driven = done;
        if (options.durationMs === undefined) hooks.loadProgress(done, performance.now() - loadStarted, failedRequests);
      },
    });
  } finally {
    clearInterval(ticker);
  }
  if (result.errors > 0) throw new LoadError(`${result.errors} sessions failed: ${result.firstError ?? '?'}`);
  hooks.loadProgress(result.steps, result.elapsedMs, failedRequests);
  const loadSeconds = result.elapsedMs / 1000;
  const operations: OperationReport[] = SESSION_OPERATIONS.flatMap((operation) => {
    const s = client.stats().get(operation);
    if (s === undefined) return [];
    const failed = [...s.failures.values()].reduce((a, b) => a + b, 0);
    const { p50Ms, p90Ms, p99Ms, maxMs, meanMs } = s.histogram.summary();
    return [{ operation, ok: s.histogram.count, failed, p50Ms, p90Ms, p99Ms, maxMs, meanMs }];
  });

  // Settle: every placed order to a terminal status, read through GET /orders/{id}.
  hooks.note(
    `waiting for ${placed.length} orders to complete or be cancelled (at most ${options.settleTimeoutMs / 1000} s)`,
  );
  const settleStarted = performance.now();
  const settleDeadline = settleStarted + options.settleTimeoutMs;
  let open = placed.filter((o) => !TERMINAL_STATUSES.has(o.status));
  hooks.settleProgress(placed.length - open.length, placed.length);
  while (open.length > 0 && performance.now() < settleDeadline) {
    let next = 0;
    const reader = async () => {
      while (next < open.length) {
        const order = open[next++]!;
        const path = `/orders/${encodeURIComponent(order.orderId)}`;
        // The admin reads for every customer: the customers' own budgets may be spent.
        const token = adminToken ?? order.shopper.token;
        const response = await client.request('GET /orders/{id} (settle)', 'GET', path, { token });
        const view = orderViewOf(response.body);
        if (response.status === 429) {
          const seconds = Math.max(1, Number(response.headers?.get('retry-after') ?? '1') || 1);
          await sleep(Math.max(0, Math.min(seconds * 1000, settleDeadline - performance.now())));
          if (performance.now() >= settleDeadline) return;
        } else if (response.status === 200 && view !== undefined) {
          order.status = view.status;
          order.total = view.total;
          order.currency = view.currency;
          order.cancelReason = view.cancelReason;
        } else if (response.status === 401 && problemCode(response.body) === 'invalid_token') {
          order.shopper.token = await logIn(
            client,
            order.shopper.email,
            order.shopper.password,
            onWait('logging in again'),
          );
        }
      }
    };
    await Promise.all(Array.from({ length: Math.min(options.concurrency, 16) }, () => reader()));
    open = open.filter((o) => !TERMINAL_STATUSES.has(o.status));
    hooks.settleProgress(placed.length - open.length, placed.length);
    if (open.length > 0) await sleep(200);
  }
  const settleSeconds = (performance.now() - settleStarted) / 1000;

  const completed = placed.filter((o) => o.status === 'completed');
  const cancelled: Record<string, number> = {};
  for (const o of placed) {
    if (o.status !== 'cancelled') continue;
    const reason = reasonKey(o.cancelReason);
    cancelled[reason] = (cancelled[reason] ?? 0) + 1;
  }

  // Invariants, through the API.
  const invariants: InvariantResult[] = [];
  const settleText = `${options.settleTimeoutMs / 1000} s`;
  invariants.push(
    placed.length === 0
      ? { name: 'orders were placed', ok: false, detail: 'no POST /orders succeeded (see the failed requests)' }
      : open.length === 0
        ? {
            name: `every placed order is terminal within ${settleText}`,
            ok: true,
            detail: `${placed.length} of ${placed.length} in ${settleSeconds.toFixed(1)} s`,
          }
        : {
            name: `every placed order is terminal within ${settleText}`,
            ok: false,
            detail: `${open.length} of ${placed.length} still open, e.g. ${open
              .slice(0, 3)
              .map((o) => `${o.orderId} (${o.status})`)
              .join(', ')}`,
          },
  );
  const serverErrors = [...client.stats()].flatMap(([operation, s]) =>
    [...s.failures].filter(([key]) => /^5\d\d/.test(key)).map(([key, n]) => `${operation} ${key} x${n}`),
  );
  invariants.push({
    name: 'no 5xx answers',
    ok: serverErrors.length === 0,
    detail: serverErrors.length === 0 ? `${requests} requests` : serverErrors.join(', '),
  });
  if (adminToken === undefined) {
    const why = 'skipped: needs the admin (--admin-email, --admin-password)';
    invariants.push({ name: 'stock: received = available + reserved + shipped', ok: undefined, detail: why });
    invariants.push({ name: "revenue = completed orders' totals", ok: undefined, detail: why });
  } else {
    const levels = await client.request('GET /inventory/levels', 'GET', '/inventory/levels', { token: adminToken });
    if (levels.status !== 200 || !isRecord(levels.body)) {
      invariants.push({
        name: 'stock: received = available + reserved + shipped',
        ok: false,
        detail: describeFailure('GET /inventory/levels', levels),
      });
    } else {
      const broken: string[] = [];
      let checked = 0;
      for (const [sku, level] of Object.entries(levels.body)) {
        if (!isRecord(level)) continue;
        checked += 1;
        const { received, available, reserved, shipped } = level as Record<string, number>;
        if (received !== (available ?? NaN) + (reserved ?? NaN) + (shipped ?? NaN)) {
          broken.push(`${sku}: ${received} != ${available} + ${reserved} + ${shipped}`);
        }
      }
      invariants.push({
        name: 'stock: received = available + reserved + shipped',
        ok: broken.length === 0 && checked > 0,
        detail: broken.length > 0 ? broken.slice(0, 3).join('; ') : `${checked} skus`,
      });
    }
  }
  if (adminToken !== undefined && open.length > 0) {
    invariants.push({
      name: "revenue = completed orders' totals",
      ok: undefined,
      detail: `not checked: ${open.length} orders are still open`,
    });
  } else if (adminToken !== undefined) {
    // Revenue is a read model: give it until the settle deadline (at least 5 s) to catch up.
    const expected = new Map<string, number>();
    for (const o of completed) expected.set(o.currency, (expected.get(o.currency) ?? 0) + o.total);
    const revenueDeadline = Math.max(settleDeadline, performance.now() + 5_000);
    let gained = new Map<string, number>();
    for (;;) {
      const after = await readRevenue(client, adminToken);
      gained = new Map(
        [...new Set([...after.keys(), ...(revenueBefore?.keys() ?? [])])].map((c) => [
          c,
          (after.get(c) ?? 0) - (revenueBefore?.get(c) ?? 0),
        ]),
      );
      gained = new Map([...gained].filter(([, n]) => n !== 0));
      if (sameAmounts(gained, expected) || performance.now() > revenueDeadline) break;
      await sleep(200);
    }
    invariants.push({
      name: "revenue = completed orders' totals",
      ok: sameAmounts(gained, expected),
      detail: sameAmounts(gained, expected)
        ? `+${money(gained)} gross over ${completed.length} completed orders`
        : `GET /analytics/revenue gained ${money(gained)} gross; the ${completed.length} completed orders total ${money(expected)}`,
    });
  }

  const failures: Record<string, number> = {};
  for (const [operation, s] of client.stats()) {
    for (const [key, n] of s.failures) failures[`${operation} ${key}`] = n;
  }
  return {
    url: client.baseUrl,
    runId,
    randomSeed: options.randomSeed,
    mode,
    customers: shoppers.length,
    products: catalog.map((p) => p.sku),
    sessions: result.steps,
    loadSeconds,
    ordersPerSecond: placed.length / loadSeconds,
    requestsPerSecond: requests / loadSeconds,
    maxLagMs: result.maxLagMs,
    operations,
    client,
    outcomes: { placed: placed.length, completed: completed.length, cancelled, open: open.length, failures },
    settleSeconds,
    invariants,
    ok: invariants.every((i) => i.ok !== false),
  };
};
