import { defineMessages, type MessageOf } from '@ordo/kernel';
import { Identifier, IsoDateTime, PositiveInt, Sku } from '../shared/codecs';

/** Events of the inventory. Release and commit carry the reservation's quantity. */
export const InventoryEvents = defineMessages(
  {
    StockReceived: { sku: Sku, quantity: PositiveInt, at: IsoDateTime },
    StockReserved: { sku: Sku, orderId: Identifier, quantity: PositiveInt, at: IsoDateTime },
    ReservationReleased: { sku: Sku, orderId: Identifier, quantity: PositiveInt, at: IsoDateTime },
    ReservationCommitted: { sku: Sku, orderId: Identifier, quantity: PositiveInt, at: IsoDateTime },
  },
  'InventoryEvent',
);

/** An inventory event. */
export type InventoryEvent = MessageOf<typeof InventoryEvents>;
