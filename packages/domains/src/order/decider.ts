import { accept, type Decider, type DomainError, domainError, reject } from '@ordo/kernel';
import type { Address } from '../shared/codecs';
import { currencyMismatch, isPositiveInt, streamMismatch } from '../shared/rejections';
import type { OrderCommand } from './commands';
import type { OrderEvent } from './events';
import { hasDistinctSkus, type OrderLine, orderTotal } from './lines';

/** Where an order is in its life: placed -> confirmed -> paid -> shipped -> completed, or cancelled before shipping. */
export type OrderStatus = 'placed' | 'confirmed' | 'paid' | 'shipped' | 'completed' | 'cancelled';

/** An order once placed. */
export interface PlacedOrder {
  readonly status: OrderStatus;
  readonly orderId: string;
  readonly customerId: string;
  readonly lines: ReadonlyArray<OrderLine>;
  readonly total: number;
  readonly currency: string;
  readonly shippingAddress: Address;
  readonly paymentId: string | undefined;
  readonly paidAmount: number;
  readonly shipmentId: string | undefined;
  readonly cancelReason: string | undefined;
}

/** State of one order stream. */
export type OrderState = { readonly status: 'none' } | PlacedOrder;

/** Stream of the order a command targets. */
export const orderStreamId = (command: { readonly orderId: string }): string => `order-${command.orderId}`;

/**
 * Rejection codes of an order:
 * - `order_already_placed`: PlaceOrder on an existing order;
 * - `order_not_found`: any other command before PlaceOrder;
 * - `order_already_confirmed`: ConfirmOrder once confirmed (or further);
 * - `order_not_confirmed`: MarkOrderPaid before ConfirmOrder;
 * - `order_already_paid`: MarkOrderPaid once paid (or shipped);
 * - `amount_mismatch`: MarkOrderPaid with an amount other than the order total;
 * - `currency_mismatch`: MarkOrderPaid stating another currency than the order's;
 * - `order_not_paid`: MarkOrderShipped before payment (no shipping before payment);
 * - `order_already_shipped`: MarkOrderShipped twice, or CancelOrder after shipment (no cancelling after shipment);
 * - `order_not_shipped`: CompleteOrder before shipment;
 * - `order_completed`, `order_cancelled`: any command on a terminal order;
 * - `invalid_lines`: PlaceOrder with no line, a non-positive quantity or price, or a sku twice (codec bypassed);
 * - `invalid_total`: PlaceOrder whose total is not a safe integer;
 * - `stream_mismatch`: the command names another order than the stream's.
 */
export const orderRejectionCodes = [
  'order_already_placed',
  'order_not_found',
  'order_already_confirmed',
  'order_not_confirmed',
  'order_already_paid',
  'amount_mismatch',
  'currency_mismatch',
  'order_not_paid',
  'order_already_shipped',
  'order_not_shipped',
  'order_completed',
  'order_cancelled',
  'invalid_lines',
  'invalid_total',
  'stream_mismatch',
] as const;

const orderError = (code: string, order: { readonly orderId: string }, message: string, details = {}): DomainError =>
  domainError(code, `order ${order.orderId} ${message}`, { orderId: order.orderId, ...details });

const place = (command: Extract<OrderCommand, { type: 'PlaceOrder' }>) => {
  const { orderId, customerId, lines, currency, shippingAddress, at } = command;
  const linesValid =
    lines.length > 0 &&
    hasDistinctSkus(lines) &&
    lines.every((line) => isPositiveInt(line.quantity) && isPositiveInt(line.unitPrice));
  if (!linesValid) {
    return reject(
      orderError('invalid_lines', command, 'needs at least one line, positive quantities and prices, one line per sku'),
    );
  }
  const total = orderTotal(lines);
  if (!Number.isSafeInteger(total))
    return reject(orderError('invalid_total', command, 'total is too large', { total }));
  return accept<OrderEvent>({ type: 'OrderPlaced', orderId, customerId, lines, total, currency, shippingAddress, at });
};

const decide = (command: OrderCommand, state: OrderState) => {
  if (state.status === 'none') {
    return command.type === 'PlaceOrder'
      ? place(command)
      : reject(orderError('order_not_found', command, 'does not exist'));
  }
  if (command.orderId !== state.orderId) return reject(streamMismatch('orderId', state.orderId, command.orderId));
  if (state.status === 'completed') return reject(orderError('order_completed', state, 'is completed'));
  if (state.status === 'cancelled') return reject(orderError('order_cancelled', state, 'is cancelled'));
  const { orderId } = state;
  switch (command.type) {
    case 'PlaceOrder':
      return reject(orderError('order_already_placed', state, 'is already placed'));
    case 'ConfirmOrder':
      if (state.status !== 'placed')
        return reject(orderError('order_already_confirmed', state, 'is already confirmed'));
      return accept<OrderEvent>({ type: 'OrderConfirmed', orderId, at: command.at });
    case 'MarkOrderPaid': {
      if (state.status === 'placed') return reject(orderError('order_not_confirmed', state, 'is not confirmed yet'));
      if (state.status !== 'confirmed') return reject(orderError('order_already_paid', state, 'is already paid'));
      if (command.currency !== undefined && command.currency !== state.currency) {
        return reject(currencyMismatch(state.currency, command.currency));
      }
      if (command.amount !== state.total) {
        return reject(
          orderError('amount_mismatch', state, `totals ${state.total}, not ${command.amount}`, {
            total: state.total,
            amount: command.amount,
          }),
        );
      }
      const { paymentId, amount, at } = command;
      return accept<OrderEvent>({ type: 'OrderPaid', orderId, paymentId, amount, at });
    }
    case 'MarkOrderShipped':
      if (state.status === 'shipped') return reject(orderError('order_already_shipped', state, 'is already shipped'));
      if (state.status !== 'paid')
        return reject(orderError('order_not_paid', state, 'is not paid: no shipping before payment'));
      return accept<OrderEvent>({ type: 'OrderShipped', orderId, shipmentId: command.shipmentId, at: command.at });
    case 'CompleteOrder':
      if (state.status !== 'shipped') return reject(orderError('order_not_shipped', state, 'is not shipped yet'));
      return accept<OrderEvent>({ type: 'OrderCompleted', orderId, at: command.at });
    case 'CancelOrder':
      if (state.status === 'shipped') {
        return reject(orderError('order_already_shipped', state, 'is shipped: no cancelling after shipment'));
      }
      return accept<OrderEvent>({ type: 'OrderCancelled', orderId, reason: command.reason, at: command.at });
  }
};

const evolve = (state: OrderState, event: OrderEvent): OrderState => {
  if (event.type === 'OrderPlaced') {
    const { orderId, customerId, lines, total, currency, shippingAddress } = event;
    return {
      status: 'placed',
      orderId,
      customerId,
      lines,
      total,
      currency,
      shippingAddress,
      paymentId: undefined,
      paidAmount: 0,
      shipmentId: undefined,
      cancelReason: undefined,
    };
  }
  if (state.status === 'none') return state;
  switch (event.type) {
    case 'OrderConfirmed':
      return { ...state, status: 'confirmed' };
    case 'OrderPaid':
      return { ...state, status: 'paid', paymentId: event.paymentId, paidAmount: event.amount };
    case 'OrderShipped':
      return { ...state, status: 'shipped', shipmentId: event.shipmentId };
    case 'OrderCompleted':
      return { ...state, status: 'completed' };
    case 'OrderCancelled':
      return { ...state, status: 'cancelled', cancelReason: event.reason };
  }
};

/** True for completed and cancelled orders, which accept no command. */
export const isOrderTerminal = (state: OrderState): boolean =>
  state.status === 'completed' || state.status === 'cancelled';

/**
 * One order. Invariants: an order has at least one line and its total is the sum of its lines;
 * it is paid exactly its total before it ships; it is never cancelled after shipment; completed and
 * cancelled are terminal.
 */
export const orderDecider: Decider<OrderCommand, OrderEvent, OrderState> = {
  initialState: { status: 'none' },
  decide,
  evolve,
  isTerminal: isOrderTerminal,
};
