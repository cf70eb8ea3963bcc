import { randomUUID } from 'node:crypto';
import { Identifier, orderDecider, type OrderState, orderStreamId } from '@ordo/domains';
import type { Principal } from '../auth';
import { forbidden } from '../auth';
import { Bodies, PathId, Views } from '../codecs';
import { derivedId } from '../idempotency';
import { notFound } from '../problem';
import { type AnyRoute, callerOf, defineRoute, execute, expectedVersionOf, type RouteContext } from '../route-kit';

/** An order as the API shows it. */
export const orderView = (state: OrderState) => {
  if (state.status === 'none') return undefined;
  const { orderId, customerId, status, lines, total, currency, shippingAddress, paymentId, shipmentId, cancelReason } =
    state;
  return {
    orderId,
    customerId,
    status,
    lines,
    total,
    currency,
    shippingAddress,
    ...(paymentId === undefined ? {} : { paymentId }),
    ...(shipmentId === undefined ? {} : { shipmentId }),
    ...(cancelReason === undefined ? {} : { cancelReason }),
  };
};

/** True when `caller` may see an order of `customerId`: its customer, or an admin. */
export const maySee = (caller: Principal, customerId: string): boolean =>
  caller.role === 'admin' || caller.subject === customerId;

/**
 * The order the caller may see, with its version. Another customer's order answers 404 like a
 * missing one, so order ids cannot be probed.
 */
export const visibleOrder = async (context: RouteContext<unknown>, orderId: string) => {
  const caller = callerOf(context);
  const { state, version } = await context.reader.read(orderDecider, orderStreamId({ orderId }));
  if (state.status === 'none' || !maySee(caller, state.customerId)) throw notFound('order');
  return { state, version };
};

const orderAnswer = (state: OrderState, version: bigint | undefined, status = 200) => {
  const body = orderView(state);
  if (body === undefined) throw notFound('order');
  return { status, body, ...(version === undefined ? {} : { etag: version }) };
};

const order = { description: 'the order', view: Views.Order, etag: true } as const;

/** Orders: place (customers), read one, list one's own, cancel. */
export const orderRoutes: ReadonlyArray<AnyRoute> = [
  defineRoute({
    method: 'POST',
    path: '/orders',
    operationId: 'placeOrder',
    summary: 'Place an order for the calling customer; the order id is generated unless given',
    tag: 'orders',
    access: 'customer',
    body: Bodies.PlaceOrder,
    idempotent: true,
    responses: {
      201: { ...order, description: 'the placed order (fulfilment runs on in the background)', location: true },
    },
    errors: [409, 422],
    handle: async (context) => {
      const { subject } = callerOf(context);
      const { lines, currency, shippingAddress } = context.body;
      const orderId =
        context.body.orderId ??
        (context.idempotencyScope === undefined ? `o-${randomUUID()}` : derivedId('o-', context.idempotencyScope));
      const done = await execute<OrderState>(context, {
        type: 'PlaceOrder',
        orderId,
        customerId: subject,
        lines,
        currency,
        shippingAddress,
        at: context.now,
      });
      return {
        ...orderAnswer(done.state, done.version, 201),
        headers: { location: `/orders/${encodeURIComponent(orderId)}` },
      };
    },
  }),
  defineRoute({
    method: 'GET',
    path: '/orders',
    operationId: 'listOrders',
    summary:
      'The calling customer’s orders, oldest first (as of the last projection step); an admin names the customer with `customerId`',
    tag: 'orders',
    access: 'authenticated',
    query: { customerId: Identifier },
    responses: { 200: { description: 'the orders', view: Views.OrderList } },
    errors: [400],
    handle: async (context) => {
      const caller = callerOf(context);
      const asked = context.query.customerId;
      if (caller.role !== 'admin' && asked !== undefined && asked !== caller.subject) {
        throw forbidden('a customer lists only their own orders');
      }
      const customerId = asked ?? caller.subject;
      const orders = await context.host.customerOrders(customerId);
      return {
        status: 200,
        body: {
          orders: orders.map(({ orderId, status, total, currency, placedAt, updatedAt }) => ({
            orderId,
            status,
            total,
            currency,
            placedAt,
            updatedAt,
          })),
        },
      };
    },
  }),
  defineRoute({
    method: 'GET',
    path: '/orders/{orderId}',
    operationId: 'getOrder',
    summary: 'One order, straight from its stream (its customer or an admin)',
    tag: 'orders',
    access: 'authenticated',
    params: { orderId: PathId },
    responses: { 200: order },
    errors: [404],
    handle: async (context) => {
      const { state, version } = await visibleOrder(context, context.params.orderId ?? '');
      return orderAnswer(state, version);
    },
  }),
  defineRoute({
    method: 'POST',
    path: '/orders/{orderId}/cancel',
    operationId: 'cancelOrder',
    summary: 'Cancel an order before it ships (its customer or an admin)',
    tag: 'orders',
    access: 'authenticated',
    params: { orderId: PathId },
    body: Bodies.CancelOrder,
    idempotent: true,
    ifMatch: true,
    responses: { 200: { ...order, description: 'the cancelled order' } },
    errors: [404, 409, 412, 422],
    handle: async (context) => {
      const orderId = context.params.orderId ?? '';
      const { version } = await visibleOrder(context, orderId);
      const expected = await expectedVersionOf(context.ifMatch, async () => version);
      const done = await execute<OrderState>(
        context,
        {
          type: 'CancelOrder',
          orderId,
          reason: context.body.reason,
          at: context.now,
        },
        expected,
      );
      return orderAnswer(done.state, done.version);
    },
  }),
];
