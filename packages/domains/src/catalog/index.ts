/**
 * Catalog: products with a name and a price in integer minor units. One stream per product
 * (`catalog-${sku}`). Rejection codes: see {@link catalogRejectionCodes}.
 */
export * from './commands';
export * from './events';
export * from './decider';
export * from './projections';
