import type * as t from 'io-ts';
import { defineMessages, type MessageOf } from '@ordo/kernel';
import { Identifier, IsoDateTime, PositiveInt, Sku } from '../shared/codecs';

/** Commands of the inventory: one stream per sku (`inventory-${sku}`). Quantities are positive integers. */
export const InventoryCommands = defineMessages(
  {
    ReceiveStock: { sku: Sku, quantity: PositiveInt, at: IsoDateTime },
    ReserveStock: { sku: Sku, orderId: Identifier, quantity: PositiveInt, at: IsoDateTime },
    ReleaseReservation: { sku: Sku, orderId: Identifier, at: IsoDateTime },
    CommitReservation: { sku: Sku, orderId: Identifier, at: IsoDateTime },
  },
  'InventoryCommand',
);

/** An inventory command. */
export type InventoryCommand = MessageOf<typeof InventoryCommands>;

/** The codec of {@link InventoryCommand}: pass it as a command handler's `commandCodec`. */
export const inventoryCommandCodec: t.Type<InventoryCommand, InventoryCommand, unknown> = InventoryCommands.codec;
