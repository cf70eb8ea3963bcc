import { Views } from '../codecs';
import { type AnyRoute, defineRoute } from '../route-kit';

/** Analytics (admin): revenue per day and sku, and the order funnel, as of the last projection step. */
export const analyticsRoutes: ReadonlyArray<AnyRoute> = [
  defineRoute({
    method: 'GET',
    path: '/analytics/revenue',
    operationId: 'revenue',
    summary: 'Revenue per UTC day and per sku, per currency (admin)',
    tag: 'analytics',
    access: 'admin',
    responses: { 200: { description: 'the revenue', view: Views.Revenue } },
    handle: async ({ host }) => {
      const { byDay, bySku } = await host.revenue();
      return { status: 200, body: { byDay, bySku } };
    },
  }),
  defineRoute({
    method: 'GET',
    path: '/analytics/funnel',
    operationId: 'funnel',
    summary: 'How many orders reached each step, and why orders were cancelled (admin)',
    tag: 'analytics',
    access: 'admin',
    responses: { 200: { description: 'the order funnel', view: Views.Funnel } },
    handle: async ({ host }) => ({ status: 200, body: await host.funnel() }),
  }),
];
