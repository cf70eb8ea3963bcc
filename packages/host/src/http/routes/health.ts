import { Views } from '../codecs';
import { type AnyRoute, defineRoute } from '../route-kit';

/** Liveness and readiness for a load balancer or an orchestrator; not rate limited. */
export const healthRoutes: ReadonlyArray<AnyRoute> = [
  defineRoute({
    method: 'GET',
    path: '/health/live',
    operationId: 'live',
    summary: 'The process answers',
    tag: 'health',
    access: 'public',
    responses: { 200: { description: 'alive', view: Views.Live } },
    handle: async () => ({ status: 200, body: { live: true } }),
  }),
  defineRoute({
    method: 'GET',
    path: '/health/ready',
    operationId: 'ready',
    summary: 'Store and broker reachable, workers running, outbox not lagging: `host.health()`',
    tag: 'health',
    access: 'public',
    responses: {
      200: { description: 'ready', view: Views.Health },
      503: { description: 'not ready, with the reasons', view: Views.Health },
    },
    handle: async ({ host }) => {
      const health = await host.health();
      return { status: health.ready ? 200 : 503, body: health };
    },
  }),
];
