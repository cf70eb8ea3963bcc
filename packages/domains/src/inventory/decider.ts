import { accept, type Decider, type DomainError, domainError, reject } from '@ordo/kernel';
import { lookup, put, remove, type Table } from '../shared/records';
import { isPositiveInt, streamMismatch } from '../shared/rejections';
import type { InventoryCommand } from './commands';
import type { InventoryEvent } from './events';

/** How a reservation ended. */
export type ReservationOutcome = 'released' | 'committed';

/**
 * Stock of one sku. Conservation: `received = available + sum(reservations) + shipped`.
 */
export interface StockState {
  /** The sku of the stream, known after its first event. */
  readonly sku: string | undefined;
  readonly received: number;
  readonly available: number;
  /** Shipped: committed reservations. */
  readonly shipped: number;
  /** Open reservations: order id -> quantity. */
  readonly reservations: Table<number>;
  /** Reservations that ended, so late duplicates are recognised: order id -> outcome. */
  readonly closed: Table<ReservationOutcome>;
}

/** Stream of the sku a command targets. */
export const inventoryStreamId = (command: { readonly sku: string }): string => `inventory-${command.sku}`;

/** Units held by open reservations. */
export const reservedQuantity = (state: StockState): number =>
  Object.values(state.reservations).reduce((sum, quantity) => sum + quantity, 0);

/**
 * Rejection codes of the inventory:
 * - `insufficient_stock`: ReserveStock for more than is available;
 * - `reservation_conflict`: ReserveStock for an order that holds a reservation of another quantity
 *   (the same quantity again is accepted with no events);
 * - `reservation_closed`: ReserveStock for an order whose reservation was already released or committed;
 * - `unknown_reservation`: ReleaseReservation or CommitReservation for an order that never reserved;
 * - `reservation_committed`: ReleaseReservation after the reservation was committed (shipped);
 * - `reservation_released`: CommitReservation after the reservation was released;
 * - `invalid_quantity`: a quantity that is not a positive integer (codec bypassed);
 * - `stream_mismatch`: the command names another sku than the stream's.
 *
 * Releasing an already released reservation, or committing an already committed one, is accepted
 * with no events, so compensations can be retried.
 */
export const inventoryRejectionCodes = [
  'insufficient_stock',
  'reservation_conflict',
  'reservation_closed',
  'unknown_reservation',
  'reservation_committed',
  'reservation_released',
  'invalid_quantity',
  'stream_mismatch',
] as const;

const decide = (command: InventoryCommand, state: StockState) => {
  if (state.sku !== undefined && command.sku !== state.sku)
    return reject(streamMismatch('sku', state.sku, command.sku));
  const { sku, at } = command;
  switch (command.type) {
    case 'ReceiveStock':
      if (!isPositiveInt(command.quantity)) return reject(invalidQuantity(command.quantity));
      return accept<InventoryEvent>({ type: 'StockReceived', sku, quantity: command.quantity, at });
    case 'ReserveStock': {
      const { orderId, quantity } = command;
      if (!isPositiveInt(quantity)) return reject(invalidQuantity(quantity));
      const outcome = lookup(state.closed, orderId);
      if (outcome !== undefined) {
        return reject(
          domainError('reservation_closed', `the reservation of order ${orderId} on ${sku} was already ${outcome}`, {
            sku,
            orderId,
            outcome,
          }),
        );
      }
      const held = lookup(state.reservations, orderId);
      if (held === quantity) return accept<InventoryEvent>();
      if (held !== undefined) {
        return reject(
          domainError('reservation_conflict', `order ${orderId} already holds ${held} of ${sku}, not ${quantity}`, {
            sku,
            orderId,
            held,
            requested: quantity,
          }),
        );
      }
      if (quantity > state.available) {
        return reject(
          domainError('insufficient_stock', `only ${state.available} of ${sku} available, ${quantity} requested`, {
            sku,
            orderId,
            available: state.available,
            requested: quantity,
          }),
        );
      }
      return accept<InventoryEvent>({ type: 'StockReserved', sku, orderId, quantity, at });
    }
    case 'ReleaseReservation':
    case 'CommitReservation': {
      const { orderId } = command;
      const releasing = command.type === 'ReleaseReservation';
      const wanted: ReservationOutcome = releasing ? 'released' : 'committed';
      const outcome = lookup(state.closed, orderId);
      if (outcome === wanted) return accept<InventoryEvent>();
      if (outcome !== undefined) return reject(alreadyClosed(sku, orderId, outcome));
      const quantity = lookup(state.reservations, orderId);
      if (quantity === undefined) {
        return reject(
          domainError('unknown_reservation', `order ${orderId} holds no reservation of ${sku}`, { sku, orderId }),
        );
      }
      return accept<InventoryEvent>({
        type: releasing ? 'ReservationReleased' : 'ReservationCommitted',
        sku,
        orderId,
        quantity,
        at,
      });
    }
  }
};

const invalidQuantity = (quantity: number): DomainError =>
  domainError('invalid_quantity', `quantity must be a positive integer, got ${quantity}`, { quantity });

const alreadyClosed = (sku: string, orderId: string, outcome: ReservationOutcome): DomainError =>
  outcome === 'committed'
    ? domainError('reservation_committed', `the reservation of order ${orderId} on ${sku} was already committed`, {
        sku,
        orderId,
      })
    : domainError('reservation_released', `the reservation of order ${orderId} on ${sku} was already released`, {
        sku,
        orderId,
      });

const evolve = (state: StockState, event: InventoryEvent): StockState => {
  const sku = state.sku ?? event.sku;
  switch (event.type) {
    case 'StockReceived':
      return {
        ...state,
        sku,
        received: state.received + event.quantity,
        available: state.available + event.quantity,
      };
    case 'StockReserved':
      return {
        ...state,
        sku,
        available: state.available - event.quantity,
        reservations: put(state.reservations, event.orderId, event.quantity),
      };
    case 'ReservationReleased':
      return {
        ...state,
        sku,
        available: state.available + event.quantity,
        reservations: remove(state.reservations, event.orderId),
        closed: put(state.closed, event.orderId, 'released'),
      };
    case 'ReservationCommitted':
      return {
        ...state,
        sku,
        shipped: state.shipped + event.quantity,
        reservations: remove(state.reservations, event.orderId),
        closed: put(state.closed, event.orderId, 'committed'),
      };
  }
};

/**
 * Stock of one sku. Invariants: available stock is never negative; stock is conserved
 * (`received = available + reserved + shipped`); an order holds at most one reservation per sku,
 * and reserving again for it is idempotent.
 */
export const inventoryDecider: Decider<InventoryCommand, InventoryEvent, StockState> = {
  initialState: { sku: undefined, received: 0, available: 0, shipped: 0, reservations: {}, closed: {} },
  decide,
  evolve,
};
