import type { EventStore } from '@ordo/kernel';
import {
  type CatalogEvent,
  type InventoryEvent,
  type OrderEvent,
  type OrderFunnel,
  orderFunnelProjection,
  type PaymentEvent,
  type ProductCatalog,
  productCatalogProjection,
  type RevenueModel,
  revenueProjection,
  type StockLevels,
  stockLevelsProjection,
} from '@ordo/domains';
import {
  createInMemoryProjectionStateStore,
  createProjectionRunner,
  type ProjectionRunner,
} from '../workers/projection-runner';

/** The read models the host keeps, each behind its async projection runner. */
export interface HostProjections {
  readonly revenue: ProjectionRunner<OrderEvent | PaymentEvent, RevenueModel>;
  readonly funnel: ProjectionRunner<OrderEvent, OrderFunnel>;
  readonly stockLevels: ProjectionRunner<InventoryEvent, StockLevels>;
  readonly catalog: ProjectionRunner<CatalogEvent, ProductCatalog>;
}

/** Every runner of {@link HostProjections}, to step them all. */
export const projectionRunners = (projections: HostProjections) =>
  [projections.revenue, projections.funnel, projections.stockLevels, projections.catalog] as const;

/**
 * Creates the host's projection runners on `store`, each with its own in-memory state store.
 * Each projection names its event types, so feeding it the whole log is safe.
 */
export const createHostProjections = (store: EventStore, batchSize = 200): HostProjections => ({
  revenue: createProjectionRunner({
    projection: revenueProjection,
    store,
    states: createInMemoryProjectionStateStore<RevenueModel>(),
    batchSize,
  }),
  funnel: createProjectionRunner({
    projection: orderFunnelProjection,
    store,
    states: createInMemoryProjectionStateStore<OrderFunnel>(),
    batchSize,
  }),
  stockLevels: createProjectionRunner({
    projection: stockLevelsProjection,
    store,
    states: createInMemoryProjectionStateStore<StockLevels>(),
    batchSize,
  }),
  catalog: createProjectionRunner({
    projection: productCatalogProjection,
    store,
    states: createInMemoryProjectionStateStore<ProductCatalog>(),
    batchSize,
  }),
});
