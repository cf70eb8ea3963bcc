/**
 * Catalog: products with a name and a price in integer minor units. One stream per product
 * (`catalog-${sku}`). Rejection codes: see {@link catalogRejectionCodes}.
 */
export { CatalogCommands, catalogCommandCodec } from './commands';
export type { CatalogCommand } from './commands';
export { CatalogEvents } from './events';
export type { CatalogEvent } from './events';
export { catalogDecider, catalogRejectionCodes, catalogStreamId } from './decider';
export type { Product, ProductState } from './decider';
export { activeProducts, productCatalogProjection } from './projections';
export type { CatalogEntry, ProductCatalog } from './projections';
