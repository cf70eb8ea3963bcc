/**
 * Shipping: a shipment per order, created, dispatched, then delivered or failed; cancelled before
 * dispatch. One stream per shipment (`shipment-${shipmentId}`). Rejection codes: see
 * {@link shipmentRejectionCodes}.
 */
export * from './lines';
export * from './commands';
export * from './events';
export * from './decider';
