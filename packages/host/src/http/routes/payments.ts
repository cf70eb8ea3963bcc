import {
  orderDecider,
  orderStreamId,
  paymentDecider,
  type PaymentState,
  paymentStreamId,
  shipmentDecider,
  type ShipmentState,
  shipmentStreamId,
} from '@ordo/domains';
import { PathId, Views } from '../codecs';
import { notFound } from '../problem';
import { type AnyRoute, callerOf, defineRoute, type RouteContext } from '../route-kit';
import { maySee } from './orders';

const paymentView = (state: PaymentState) => {
  switch (state.status) {
    case 'none':
      return undefined;
    case 'declined':
      return { paymentId: state.paymentId, orderId: state.orderId, status: state.status, reason: state.reason };
    default:
      return {
        paymentId: state.paymentId,
        orderId: state.orderId,
        status: state.status,
        currency: state.currency,
        authorized: state.authorized,
        captured: state.captured,
        refunded: state.refunded,
      };
  }
};

const shipmentView = (state: ShipmentState) => {
  if (state.status === 'none') return undefined;
  const { shipmentId, orderId, status, lines, address, dispatchedAt, failureReason } = state;
  return {
    shipmentId,
    orderId,
    status,
    lines,
    address,
    ...(dispatchedAt === undefined ? {} : { dispatchedAt }),
    ...(failureReason === undefined ? {} : { failureReason }),
  };
};

/** True when the caller may see what belongs to `orderId`: an admin, or the order's customer. */
const ownsOrder = async (context: RouteContext<unknown>, orderId: string): Promise<boolean> => {
  const caller = callerOf(context);
  if (caller.role === 'admin') return true;
  const { state } = await context.reader.read(orderDecider, orderStreamId({ orderId }));
  return state.status !== 'none' && maySee(caller, state.customerId);
};

/** Payments and shipments, read-only (the saga, the payment service and the carrier write them). */
export const paymentRoutes: ReadonlyArray<AnyRoute> = [
  defineRoute({
    method: 'GET',
    path: '/payments/{paymentId}',
    operationId: 'getPayment',
    summary: 'One payment (the order’s customer or an admin)',
    tag: 'payments',
    access: 'authenticated',
    params: { paymentId: PathId },
    responses: { 200: { description: 'the payment', view: Views.Payment, etag: true } },
    errors: [404],
    handle: async (context) => {
      const { state, version } = await context.reader.read(
        paymentDecider,
        paymentStreamId({ paymentId: context.params.paymentId ?? '' }),
      );
      const body = paymentView(state);
      if (body === undefined || !(await ownsOrder(context, body.orderId))) throw notFound('payment');
      return { status: 200, body, ...(version === undefined ? {} : { etag: version }) };
    },
  }),
  defineRoute({
    method: 'GET',
    path: '/shipments/{shipmentId}',
    operationId: 'getShipment',
    summary: 'One shipment (the order’s customer or an admin)',
    tag: 'shipments',
    access: 'authenticated',
    params: { shipmentId: PathId },
    responses: { 200: { description: 'the shipment', view: Views.Shipment, etag: true } },
    errors: [404],
    handle: async (context) => {
      const { state, version } = await context.reader.read(
        shipmentDecider,
        shipmentStreamId({ shipmentId: context.params.shipmentId ?? '' }),
      );
      const body = shipmentView(state);
      if (body === undefined || !(await ownsOrder(context, body.orderId))) throw notFound('shipment');
      return { status: 200, body, ...(version === undefined ? {} : { etag: version }) };
    },
  }),
];
