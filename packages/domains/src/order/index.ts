/**
 * Order: placed -> confirmed -> paid -> shipped -> completed, or cancelled (with a reason) before
 * shipment. One stream per order (`order-${orderId}`). Rejection codes: see {@link orderRejectionCodes}.
 */
export * from './lines';
export * from './commands';
export * from './events';
export * from './decider';
