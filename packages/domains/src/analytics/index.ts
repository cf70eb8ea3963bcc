/**
 * Analytics: pure projections over the other domains' events: revenue per day and per sku, the
 * order funnel, and stock levels. No decider, hence no rejection codes.
 */
export { utcDay } from './day';
export { revenueProjection } from './revenue';
export type { DailyRevenue, OrderFacts, RevenueModel, SkuRevenue } from './revenue';
export { orderFunnelProjection } from './funnel';
export type { OrderFunnel } from './funnel';
export { stockLevelsProjection } from './stock-levels';
export type { StockLevel, StockLevels } from './stock-levels';
