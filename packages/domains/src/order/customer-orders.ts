import type { Projection } from '@ordo/kernel';
import { lookup, put, type Table, update } from '../shared/records';
import type { OrderStatus } from './decider';
import { type OrderEvent, OrderEvents } from './events';

/** One order as a customer's order list shows it. */
export interface OrderSummary {
  readonly orderId: string;
  readonly customerId: string;
  readonly status: OrderStatus;
  /** In minor units of `currency`. */
  readonly total: number;
  readonly currency: string;
  readonly placedAt: string;
  /** Time of the last change. */
  readonly updatedAt: string;
}

/** Order summaries by customer, with the customer of each order (to file its later events). */
export interface CustomerOrders {
  /** Customer id -> order id -> summary. */
  readonly byCustomer: Table<Table<OrderSummary>>;
  /** Order id -> customer id. */
  readonly customerOf: Table<string>;
}

const statusAfter = {
  OrderConfirmed: 'confirmed',
  OrderPaid: 'paid',
  OrderShipped: 'shipped',
  OrderCompleted: 'completed',
  OrderCancelled: 'cancelled',
} as const satisfies Record<Exclude<OrderEvent['type'], 'OrderPlaced'>, OrderStatus>;

/**
 * Each customer's orders with their current status: what `GET /orders` lists. An event of an
 * order the projection never saw placed is ignored.
 */
export const customerOrdersProjection: Projection<OrderEvent, CustomerOrders> = {
  name: 'order.customer-orders',
  eventTypes: OrderEvents.types,
  initialState: { byCustomer: {}, customerOf: {} },
  evolve: (model, { event }) => {
    if (event.type === 'OrderPlaced') {
      const { orderId, customerId, total, currency, at } = event;
      if (lookup(model.customerOf, orderId) !== undefined) return model;
      const summary: OrderSummary = {
        orderId,
        customerId,
        status: 'placed',
        total,
        currency,
        placedAt: at,
        updatedAt: at,
      };
      return {
        byCustomer: update(model.byCustomer, customerId, (orders = {}) => put(orders, orderId, summary)),
        customerOf: put(model.customerOf, orderId, customerId),
      };
    }
    const customerId = lookup(model.customerOf, event.orderId);
    const orders = customerId === undefined ? undefined : lookup(model.byCustomer, customerId);
    const summary = orders === undefined ? undefined : lookup(orders, event.orderId);
    if (customerId === undefined || orders === undefined || summary === undefined) return model;
    const changed: OrderSummary = { ...summary, status: statusAfter[event.type], updatedAt: event.at };
    return { ...model, byCustomer: put(model.byCustomer, customerId, put(orders, event.orderId, changed)) };
  },
};

/** The orders of one customer, oldest first (ties by order id). */
export const ordersOfCustomer = (model: CustomerOrders, customerId: string): ReadonlyArray<OrderSummary> =>
  Object.values(lookup(model.byCustomer, customerId) ?? {}).sort((a, b) =>
    a.placedAt < b.placedAt ? -1 : a.placedAt > b.placedAt ? 1 : a.orderId < b.orderId ? -1 : 1,
  );
