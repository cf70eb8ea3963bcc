import type { Projection } from '@ordo/kernel';
import { type OrderEvent, OrderEvents } from '../order/events';
import { type Table, update } from '../shared/records';

/** How many orders reached each step, and why orders were cancelled. */
export interface OrderFunnel {
  readonly placed: number;
  readonly confirmed: number;
  readonly paid: number;
  readonly shipped: number;
  readonly completed: number;
  readonly cancelled: number;
  /** Cancellation reason -> count. */
  readonly cancellationReasons: Table<number>;
}

const steps = {
  OrderPlaced: 'placed',
  OrderConfirmed: 'confirmed',
  OrderPaid: 'paid',
  OrderShipped: 'shipped',
  OrderCompleted: 'completed',
  OrderCancelled: 'cancelled',
} as const satisfies Record<OrderEvent['type'], keyof OrderFunnel>;

/** The order funnel: counts of placed, confirmed, paid, shipped, completed and cancelled orders, with reasons. */
export const orderFunnelProjection: Projection<OrderEvent, OrderFunnel> = {
  name: 'analytics.order-funnel',
  eventTypes: OrderEvents.types,
  initialState: { placed: 0, confirmed: 0, paid: 0, shipped: 0, completed: 0, cancelled: 0, cancellationReasons: {} },
  evolve: (funnel, { event }) => {
    const step = steps[event.type];
    if (step === undefined) return funnel;
    const counted = { ...funnel, [step]: funnel[step] + 1 };
    return event.type === 'OrderCancelled'
      ? { ...counted, cancellationReasons: update(funnel.cancellationReasons, event.reason, (n = 0) => n + 1) }
      : counted;
  },
};
