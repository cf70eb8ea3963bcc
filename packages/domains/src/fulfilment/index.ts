/**
 * Fulfilment: the saga that turns a placed order into a completed or cancelled one, across
 * inventory, payment, shipping and the order itself. One stream per order
 * (`fulfilment-${orderId}`); see {@link createFulfilmentSaga}.
 */
export * from './ids';
export * from './inputs';
export * from './commands';
export * from './events';
export * from './state';
export * from './decide';
export * from './react';
export * from './saga';
