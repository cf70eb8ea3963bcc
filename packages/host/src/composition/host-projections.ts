import type { AnyEvent, EventStore } from '@ordo/kernel';
import {
  type CatalogEvent,
  type CustomerOrders,
  customerOrdersProjection,
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
  type ProjectionStateStore,
} from '../workers/projection-runner';

/** The read models the host keeps, each behind its async projection runner. */
export interface HostProjections {
  readonly revenue: ProjectionRunner<OrderEvent | PaymentEvent, RevenueModel>;
  readonly funnel: ProjectionRunner<OrderEvent, OrderFunnel>;
  readonly stockLevels: ProjectionRunner<InventoryEvent, StockLevels>;
  readonly catalog: ProjectionRunner<CatalogEvent, ProductCatalog>;
  /** Each customer's orders (what `GET /orders` lists). */
  readonly customerOrders: ProjectionRunner<OrderEvent, CustomerOrders>;
}

/**
 * Every runner of {@link HostProjections}, to step them all. Typed loosely: each projection names
 * its event types and ignores the rest, so feeding any of them the whole log is safe.
 */
export const projectionRunners = (projections: HostProjections): ReadonlyArray<ProjectionRunner<AnyEvent, unknown>> =>
  [
    projections.revenue,
    projections.funnel,
    projections.stockLevels,
    projections.catalog,
    projections.customerOrders,
  ] as unknown as ReadonlyArray<ProjectionRunner<AnyEvent, unknown>>;

/**
 * Creates the host's projection runners on `store`, each keeping its model in a state store from
 * `states` (in memory by default; the PostgreSQL backend keeps them in `ordo_read_models`). Each
 * projection names its event types, so feeding it the whole log is safe.
 */
export const createHostProjections = (
  store: EventStore,
  states: <M>() => ProjectionStateStore<M> = createInMemoryProjectionStateStore,
  batchSize = 200,
): HostProjections => ({
  revenue: createProjectionRunner({ projection: revenueProjection, store, states: states<RevenueModel>(), batchSize }),
  funnel: createProjectionRunner({
    projection: orderFunnelProjection,
    store,
    states: states<OrderFunnel>(),
    batchSize,
  }),
  stockLevels: createProjectionRunner({
    projection: stockLevelsProjection,
    store,
    states: states<StockLevels>(),
    batchSize,
  }),
  catalog: createProjectionRunner({
    projection: productCatalogProjection,
    store,
    states: states<ProductCatalog>(),
    batchSize,
  }),
  customerOrders: createProjectionRunner({
    projection: customerOrdersProjection,
    store,
    states: states<CustomerOrders>(),
    batchSize,
  }),
});
