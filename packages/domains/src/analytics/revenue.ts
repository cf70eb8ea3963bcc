import type { Projection } from '@ordo/kernel';
import type { OrderLine } from '../order/lines';
import type { OrderEvent } from '../order/events';
import type { PaymentEvent } from '../payment/events';
import { lookup, put, remove, type Table, update } from '../shared/records';
import { utcDay } from './day';

/** What the revenue projection remembers of an order until it completes (and after, for refunds). */
export interface OrderFacts {
  readonly currency: string;
  readonly total: number;
  readonly lines: ReadonlyArray<OrderLine>;
  readonly completed: boolean;
}

/** Revenue of one day in one currency, in minor units. */
export interface DailyRevenue {
  /** Totals of the orders completed that day. */
  readonly gross: number;
  /** Refunds made that day on completed orders. */
  readonly refunded: number;
  /** `gross - refunded`. */
  readonly net: number;
  /** Orders completed that day. */
  readonly orders: number;
}

/** Revenue of one sku in one currency: units sold and their value, from completed orders. */
export interface SkuRevenue {
  readonly quantity: number;
  readonly revenue: number;
}

/** The revenue read model. Amounts are kept per currency: they are never added across currencies. */
export interface RevenueModel {
  /** Orders placed and not cancelled, by order id. */
  readonly orders: Table<OrderFacts>;
  /** Day (UTC, `YYYY-MM-DD`) -> currency -> revenue. */
  readonly byDay: Table<Table<DailyRevenue>>;
  /** Sku -> currency -> revenue. */
  readonly bySku: Table<Table<SkuRevenue>>;
}

const zeroDay: DailyRevenue = { gross: 0, refunded: 0, net: 0, orders: 0 };
const zeroSku: SkuRevenue = { quantity: 0, revenue: 0 };

/** Adds to the figure under `outer` and `inner`, starting from `zero`. */
const add = <V>(table: Table<Table<V>>, outer: string, inner: string, zero: V, change: (v: V) => V): Table<Table<V>> =>
  update(table, outer, (byInner = {}) => update(byInner, inner, (value = zero) => change(value)));

/**
 * Revenue per day and per sku. An order counts when it completes (on the day of `OrderCompleted`);
 * a refund of a completed order counts against the day it was made. Refunds of orders that never
 * completed (cancelled after payment) are not revenue and are ignored.
 */
export const revenueProjection: Projection<OrderEvent | PaymentEvent, RevenueModel> = {
  name: 'analytics.revenue',
  initialState: { orders: {}, byDay: {}, bySku: {} },
  eventTypes: ['OrderPlaced', 'OrderCompleted', 'OrderCancelled', 'PaymentRefunded'],
  evolve: (model, { event }) => {
    switch (event.type) {
      case 'OrderPlaced': {
        const facts: OrderFacts = {
          currency: event.currency,
          total: event.total,
          lines: event.lines,
          completed: false,
        };
        return { ...model, orders: put(model.orders, event.orderId, facts) };
      }
      case 'OrderCancelled':
        return { ...model, orders: remove(model.orders, event.orderId) };
      case 'OrderCompleted': {
        const facts = lookup(model.orders, event.orderId);
        if (facts === undefined || facts.completed) return model;
        const { currency, total } = facts;
        const byDay = add(model.byDay, utcDay(event.at), currency, zeroDay, (day) => ({
          ...day,
          gross: day.gross + total,
          net: day.net + total,
          orders: day.orders + 1,
        }));
        const bySku = facts.lines.reduce(
          (table, line) =>
            add(table, line.sku, currency, zeroSku, (sku) => ({
              quantity: sku.quantity + line.quantity,
              revenue: sku.revenue + line.quantity * line.unitPrice,
            })),
          model.bySku,
        );
        return { orders: put(model.orders, event.orderId, { ...facts, completed: true }), byDay, bySku };
      }
      case 'PaymentRefunded': {
        const facts = lookup(model.orders, event.orderId);
        if (facts === undefined || !facts.completed) return model;
        const byDay = add(model.byDay, utcDay(event.at), facts.currency, zeroDay, (day) => ({
          ...day,
          refunded: day.refunded + event.amount,
          net: day.net - event.amount,
        }));
        return { ...model, byDay };
      }
      default:
        return model;
    }
  },
};
