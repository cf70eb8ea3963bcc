import type { Projection } from '@ordo/kernel';
import type { InventoryEvent } from '../inventory/events';
import { type Table, update } from '../shared/records';

/** Stock of one sku. `received = available + reserved + shipped`. */
export interface StockLevel {
  readonly received: number;
  readonly available: number;
  readonly reserved: number;
  readonly shipped: number;
}

/** Stock levels by sku. */
export type StockLevels = Table<StockLevel>;

const empty: StockLevel = { received: 0, available: 0, reserved: 0, shipped: 0 };

/** Stock levels per sku, from inventory events. */
export const stockLevelsProjection: Projection<InventoryEvent, StockLevels> = {
  name: 'analytics.stock-levels',
  initialState: {},
  eventTypes: ['StockReceived', 'StockReserved', 'ReservationReleased', 'ReservationCommitted'],
  evolve: (levels, { event }) =>
    update(levels, event.sku, (level = empty) => {
      const q = event.quantity;
      switch (event.type) {
        case 'StockReceived':
          return { ...level, received: level.received + q, available: level.available + q };
        case 'StockReserved':
          return { ...level, available: level.available - q, reserved: level.reserved + q };
        case 'ReservationReleased':
          return { ...level, available: level.available + q, reserved: level.reserved - q };
        case 'ReservationCommitted':
          return { ...level, reserved: level.reserved - q, shipped: level.shipped + q };
        default:
          return level;
      }
    }),
};
