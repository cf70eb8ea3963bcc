import * as t from 'io-ts';
import { PositiveInt, Sku } from '../shared/codecs';
import { refine } from '../shared/refine';

/** One line of an order: a sku, a positive quantity and a unit price in minor units. */
export const OrderLine = t.type({ sku: Sku, quantity: PositiveInt, unitPrice: PositiveInt }, 'OrderLine');
/** One line of an order. */
export type OrderLine = t.TypeOf<typeof OrderLine>;

/** True when no two lines name the same sku. */
export const hasDistinctSkus = (lines: ReadonlyArray<{ readonly sku: string }>): boolean =>
  new Set(lines.map((line) => line.sku)).size === lines.length;

/**
 * The lines of an order: at least one, one line per sku (the fulfilment reserves stock per line,
 * and an inventory reservation is per order and sku).
 */
export const OrderLines = refine(
  t.readonlyArray(OrderLine),
  (lines) => lines.length > 0 && hasDistinctSkus(lines),
  'OrderLines(non-empty, one line per sku)',
);

/** Sum of quantity x unit price over the lines, in minor units. */
export const orderTotal = (lines: ReadonlyArray<OrderLine>): number =>
  lines.reduce((sum, line) => sum + line.quantity * line.unitPrice, 0);
