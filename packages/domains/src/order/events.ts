import { defineMessages, type MessageOf } from '@ordo/kernel';
import { Address, Currency, Identifier, IsoDateTime, NonEmptyString, PositiveInt } from '../shared/codecs';
import { OrderLines } from './lines';

/** Events of an order. `OrderPlaced.total` is the sum of its lines. */
export const OrderEvents = defineMessages(
  {
    OrderPlaced: {
      orderId: Identifier,
      customerId: Identifier,
      lines: OrderLines,
      total: PositiveInt,
      currency: Currency,
      shippingAddress: Address,
      at: IsoDateTime,
    },
    OrderConfirmed: { orderId: Identifier, at: IsoDateTime },
    OrderPaid: { orderId: Identifier, paymentId: Identifier, amount: PositiveInt, at: IsoDateTime },
    OrderShipped: { orderId: Identifier, shipmentId: Identifier, at: IsoDateTime },
    OrderCompleted: { orderId: Identifier, at: IsoDateTime },
    OrderCancelled: { orderId: Identifier, reason: NonEmptyString, at: IsoDateTime },
  },
  'OrderEvent',
);

/** An order event. */
export type OrderEvent = MessageOf<typeof OrderEvents>;
