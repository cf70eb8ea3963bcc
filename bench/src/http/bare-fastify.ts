/**
 * The HTTP bench's ceiling: a bare Fastify 5 app on this machine, run as its own Node process
 * like `ordo serve` (same flags, tsx). `GET /orders/:orderId` answers a small JSON body shaped
 * like an order of the API; `POST /orders` parses a JSON body like `ordo load`'s and answers
 * 201 with a similar body. No auth, no rate limit, no idempotency, no store: Fastify's routing,
 * body parsing and serialisation only. Prints `listening on URL` and stops on SIGTERM.
 */
import Fastify from 'fastify';

interface Line {
  readonly sku: string;
  readonly quantity: number;
  readonly unitPrice: number;
}

const app = Fastify({ logger: false });
const address = {
  name: 'Load Shopper 1',
  line1: '2 Benchmark Street',
  city: 'Loadville',
  postalCode: '10001',
  country: 'NL',
};
let placed = 0;

app.get<{ Params: { orderId: string } }>('/orders/:orderId', async (request, reply) => {
  reply.header('etag', '"7"');
  return {
    orderId: request.params.orderId,
    customerId: 'c-bench',
    status: 'completed',
    lines: [{ sku: 'load-1', quantity: 2, unitPrice: 199 }],
    total: 398,
    currency: 'EUR',
    shippingAddress: address,
    paymentId: `payment-${request.params.orderId}`,
    shipmentId: `shipment-${request.params.orderId}`,
  };
});

app.post<{ Body: { lines?: ReadonlyArray<Line>; currency?: string; shippingAddress?: typeof address } }>(
  '/orders',
  async (request, reply) => {
    const { lines = [], currency = 'EUR', shippingAddress = address } = request.body ?? {};
    const orderId = `o-bare-${++placed}`;
    reply.code(201).header('etag', '"0"').header('location', `/orders/${orderId}`);
    return {
      orderId,
      customerId: 'c-bench',
      status: 'placed',
      lines,
      total: lines.reduce((sum, line) => sum + line.quantity * line.unitPrice, 0),
      currency,
      shippingAddress,
    };
  },
);

app.get('/health/live', async () => ({ live: true }));

const url = await app.listen({ port: 0, host: '127.0.0.1' });
process.stdout.write(`bare fastify: listening on ${url}\n`);
const stop = () => void app.close().then(() => process.exit(0));
process.once('SIGTERM', stop);
process.once('SIGINT', stop);
