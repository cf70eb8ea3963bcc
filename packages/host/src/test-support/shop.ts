import * as E from 'fp-ts/Either';
import type { OrderCommand } from '@ordo/domains';
import type { Host } from '../composition/host';

/** A small shop for host tests: `skus` products with `stock` units each, `customers` customers. */
export const openShop = async (
  host: Host,
  options: { readonly skus: number; readonly stock: number; readonly at: string },
): Promise<void> => {
  for (let i = 0; i < options.skus; i++) {
    const sku = `sku-${i}`;
    const added = await host.execute(
      { type: 'AddProduct', sku, name: `Product ${i}`, price: 100 * (i + 1), currency: 'EUR', at: options.at },
      { commandId: `setup:product:${sku}` },
    );
    if (E.isLeft(added)) throw new Error(`AddProduct ${sku}: ${added.left.message}`);
    const received = await host.execute(
      { type: 'ReceiveStock', sku, quantity: options.stock, at: options.at },
      { commandId: `setup:stock:${sku}` },
    );
    if (E.isLeft(received)) throw new Error(`ReceiveStock ${sku}: ${received.left.message}`);
  }
};

/** Order `n` of a test run: one or two lines over the shop's skus, priced as `openShop` priced them. */
export const testOrder = (n: number, skus: number, at: string, prefix = 'o'): OrderCommand => {
  const first = n % skus;
  const second = (n * 7 + 3) % skus;
  const lines = [{ sku: `sku-${first}`, quantity: 1 + (n % 3), unitPrice: 100 * (first + 1) }];
  if (second !== first) lines.push({ sku: `sku-${second}`, quantity: 1, unitPrice: 100 * (second + 1) });
  return {
    type: 'PlaceOrder',
    orderId: `${prefix}-${n}`,
    customerId: `c-${n % 10}`,
    lines,
    currency: 'EUR',
    shippingAddress: { name: 'Ada', line1: '1 Main St', city: 'Paris', postalCode: '75001', country: 'FR' },
    at,
  };
};

/** Polls `check` until it answers true or `timeoutMs` passes; answers whether it did. */
export const eventually = async (check: () => Promise<boolean>, timeoutMs: number, everyMs = 100): Promise<boolean> => {
  const until = Date.now() + timeoutMs;
  for (;;) {
    if (await check()) return true;
    if (Date.now() >= until) return false;
    await new Promise((resolve) => setTimeout(resolve, everyMs));
  }
};
