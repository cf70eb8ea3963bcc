/**
 * Order: placed -> confirmed -> paid -> shipped -> completed, or cancelled (with a reason) before
 * shipment. One stream per order (`order-${orderId}`). Rejection codes: see {@link orderRejectionCodes}.
 */
export { OrderLine, OrderLines, hasDistinctSkus, orderTotal } from './lines';
export { OrderCommands, orderCommandCodec } from './commands';
export type { OrderCommand } from './commands';
export { OrderEvents } from './events';
export type { OrderEvent } from './events';
export { isOrderTerminal, orderDecider, orderRejectionCodes, orderStreamId } from './decider';
export type { OrderState, OrderStatus, PlacedOrder } from './decider';
export { customerOrdersProjection, ordersOfCustomer } from './customer-orders';
export type { CustomerOrders, OrderSummary } from './customer-orders';
