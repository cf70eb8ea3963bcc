/**
 * The calls a shop's customers and its administrator make on Ordo's HTTP API (docs/http.md),
 * typed, on a {@link LoadClient}. Setup calls (log in, seed, register) wait out a 429 as its
 * `Retry-After` says and throw a {@link LoadError} on any other failure; the calls of the load
 * itself answer the {@link LoadResponse} and leave the judging to the caller.
 */
import { setTimeout as sleep } from 'node:timers/promises';
import { failureKey, type LoadClient, type LoadResponse, problemCode } from './http-client';

/** A load run that cannot go on: the server is unreachable, a setup call failed. `ordo load` exits 1. */
export class LoadError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'LoadError';
  }
}

/** A registered customer with a token. */
export interface Shopper {
  readonly email: string;
  readonly password: string;
  readonly customerId: string;
  token: string;
}

/** A product as `GET /catalog` lists it. */
export interface CatalogProduct {
  readonly sku: string;
  readonly name: string;
  readonly price: number;
  readonly currency: string;
}

/** One line of `POST /orders`. */
export interface OrderLineBody {
  readonly sku: string;
  readonly quantity: number;
  readonly unitPrice: number;
}

/** The body of `POST /orders`. */
export interface PlaceOrderBody {
  readonly lines: ReadonlyArray<OrderLineBody>;
  readonly currency: string;
  readonly shippingAddress: {
    readonly name: string;
    readonly line1: string;
    readonly city: string;
    readonly postalCode: string;
    readonly country: string;
  };
}

/** An order as `GET /orders/{id}` answers it (the fields a load run reads). */
export interface OrderView {
  readonly orderId: string;
  readonly status: string;
  readonly total: number;
  readonly currency: string;
  readonly cancelReason?: string;
}

/** Statuses after which an order changes no more. */
export const TERMINAL_STATUSES: ReadonlySet<string> = new Set(['completed', 'cancelled']);

const isRecord = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null;

/** The body as an order view, or `undefined` when it is not one. */
export const orderViewOf = (body: unknown): OrderView | undefined =>
  isRecord(body) &&
  typeof body.orderId === 'string' &&
  typeof body.status === 'string' &&
  typeof body.total === 'number' &&
  typeof body.currency === 'string'
    ? {
        orderId: body.orderId,
        status: body.status,
        total: body.total,
        currency: body.currency,
        ...(typeof body.cancelReason === 'string' ? { cancelReason: body.cancelReason } : {}),
      }
    : undefined;

/** `POST /orders 422 invalid_lines: the detail`, for errors. */
export const describeFailure = (what: string, response: LoadResponse): string => {
  if (response.status === 0) return `${what}: no answer (${response.error ?? 'network error'})`;
  const detail = isRecord(response.body) && typeof response.body.detail === 'string' ? `: ${response.body.detail}` : '';
  return `${what} answered ${failureKey(response)}${detail}`;
};

/** Longest a setup call waits out 429s in all before giving up. */
const MAX_RATE_LIMIT_WAIT_MS = 120_000;

/**
 * Sends a setup request, waiting out 429 answers as `Retry-After` says (`onWait` hears of each
 * wait), and answers the first other response.
 */
export const withRetryAfter = async (
  send: () => Promise<LoadResponse>,
  onWait: (seconds: number) => void,
): Promise<LoadResponse> => {
  let waited = 0;
  for (;;) {
    const response = await send();
    if (response.status !== 429) return response;
    const seconds = Math.max(1, Number(response.headers?.get('retry-after') ?? '1') || 1);
    if (waited + seconds * 1000 > MAX_RATE_LIMIT_WAIT_MS) return response;
    onWait(seconds);
    waited += seconds * 1000;
    await sleep(seconds * 1000);
  }
};

const tokenOf = (response: LoadResponse): string | undefined =>
  isRecord(response.body) && typeof response.body.access_token === 'string' ? response.body.access_token : undefined;

/** Logs in (`POST /auth/token`) and answers the access token; throws a {@link LoadError} naming the failure. */
export const logIn = async (
  client: LoadClient,
  email: string,
  password: string,
  onWait: (seconds: number) => void,
  who = 'customer',
): Promise<string> => {
  const response = await withRetryAfter(
    () => client.request('POST /auth/token', 'POST', '/auth/token', { body: { email, password } }),
    onWait,
  );
  const token = tokenOf(response);
  if (response.status === 200 && token !== undefined) return token;
  if (response.status === 401 && problemCode(response.body) === 'invalid_credentials' && who === 'admin') {
    throw new LoadError('the admin e-mail address or password is wrong (POST /auth/token answered 401)');
  }
  throw new LoadError(describeFailure(`logging in the ${who}: POST /auth/token`, response));
};

/**
 * Adds the products (a 409 `product_already_exists` is fine: a run before added them) and
 * receives `stock` units of each.
 */
export const seedProducts = async (
  client: LoadClient,
  adminToken: string,
  products: ReadonlyArray<CatalogProduct>,
  stock: number,
  runId: string,
  onWait: (seconds: number) => void,
): Promise<void> => {
  for (const product of products) {
    const added = await withRetryAfter(
      () =>
        client.request('POST /catalog/products', 'POST', '/catalog/products', {
          token: adminToken,
          body: product,
          headers: { 'idempotency-key': `load-${runId}-add-${product.sku}` },
        }),
      onWait,
    );
    if (added.status !== 201 && problemCode(added.body) !== 'product_already_exists') {
      throw new LoadError(describeFailure(`seeding ${product.sku}: POST /catalog/products`, added));
    }
    const path = `/inventory/${encodeURIComponent(product.sku)}/receipts`;
    const received = await withRetryAfter(
      () =>
        client.request('POST /inventory/{sku}/receipts', 'POST', path, {
          token: adminToken,
          body: { quantity: stock },
          headers: { 'idempotency-key': `load-${runId}-stock-${product.sku}` },
        }),
      onWait,
    );
    if (received.status !== 200) throw new LoadError(describeFailure(`seeding stock: POST ${path}`, received));
  }
};

/** The products on sale (`GET /catalog`). */
export const readCatalog = async (
  client: LoadClient,
  operation = 'GET /catalog',
): Promise<ReadonlyArray<CatalogProduct>> => {
  const response = await client.request(operation, 'GET', '/catalog');
  if (response.status !== 200 || !isRecord(response.body) || !Array.isArray(response.body.products)) {
    throw new LoadError(describeFailure('GET /catalog', response));
  }
  return (response.body.products as ReadonlyArray<unknown>).flatMap((p) =>
    isRecord(p) && typeof p.sku === 'string' && typeof p.price === 'number' && typeof p.currency === 'string'
      ? [{ sku: p.sku, name: typeof p.name === 'string' ? p.name : p.sku, price: p.price, currency: p.currency }]
      : [],
  );
};

/**
 * Registers `count` customers (`POST /customers`) and logs each in, `parallel` at a time (the
 * server hashes every password with scrypt): e-mail `load-<runId>-<i>@load.example`.
 */
export const registerShoppers = async (
  client: LoadClient,
  options: { readonly count: number; readonly runId: string; readonly parallel: number },
  onWait: (seconds: number) => void,
  onDone?: (done: number) => void,
): Promise<ReadonlyArray<Shopper>> => {
  const shoppers: Shopper[] = new Array<Shopper>(options.count);
  let next = 0;
  let done = 0;
  const one = async (i: number) => {
    const email = `load-${options.runId}-${i}@load.example`;
    const password = `load-password-${options.runId}-${i}`;
    const registered = await withRetryAfter(
      () => client.request('POST /customers', 'POST', '/customers', { body: { email, password } }),
      onWait,
    );
    const customerId = isRecord(registered.body) ? registered.body.customerId : undefined;
    if (registered.status !== 201 || typeof customerId !== 'string') {
      throw new LoadError(describeFailure(`registering customer ${i + 1}: POST /customers`, registered));
    }
    const token = await logIn(client, email, password, onWait, `customer ${i + 1}`);
    shoppers[i] = { email, password, customerId, token };
    done += 1;
    onDone?.(done);
  };
  const worker = async () => {
    while (next < options.count) await one(next++);
  };
  await Promise.all(Array.from({ length: Math.min(options.parallel, options.count) }, () => worker()));
  return shoppers;
};

/** A shipping address for a load order. */
export const loadAddress = (n: number): PlaceOrderBody['shippingAddress'] => ({
  name: `Load Shopper ${n}`,
  line1: `${1 + (n % 200)} Benchmark Street`,
  city: 'Loadville',
  postalCode: String(10_000 + (n % 90_000)),
  country: 'NL',
});
