/**
 * Inventory: stock of one sku per stream (`inventory-${sku}`), reserved per order, released or
 * committed on shipment. Rejection codes: see {@link inventoryRejectionCodes}.
 */
export * from './commands';
export * from './events';
export * from './decider';
