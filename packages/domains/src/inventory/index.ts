/**
 * Inventory: stock of one sku per stream (`inventory-${sku}`), reserved per order, released or
 * committed on shipment. Rejection codes: see {@link inventoryRejectionCodes}.
 */
export { InventoryCommands, inventoryCommandCodec } from './commands';
export type { InventoryCommand } from './commands';
export { InventoryEvents } from './events';
export type { InventoryEvent } from './events';
export { inventoryDecider, inventoryRejectionCodes, inventoryStreamId, reservedQuantity } from './decider';
export type { ReservationOutcome, StockState } from './decider';
