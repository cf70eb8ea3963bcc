/**
 * Analytics: pure projections over the other domains' events: revenue per day and per sku, the
 * order funnel, and stock levels. No decider, hence no rejection codes.
 */
export * from './day';
export * from './revenue';
export * from './funnel';
export * from './stock-levels';
