import type * as t from 'io-ts';
import { defineMessages, type MessageOf } from '@ordo/kernel';
import { Address, Currency, Identifier, IsoDateTime, NonEmptyString, PositiveInt } from '../shared/codecs';
import { type WithOptionalFields, withOptional } from '../shared/optional';
import { OrderLines } from './lines';

/** Commands of an order (`order-${orderId}`). Amounts are integer minor units in the order's currency. */
export const OrderCommands = defineMessages(
  {
    PlaceOrder: {
      orderId: Identifier,
      customerId: Identifier,
      lines: OrderLines,
      currency: Currency,
      shippingAddress: Address,
      at: IsoDateTime,
    },
    ConfirmOrder: { orderId: Identifier, at: IsoDateTime },
    /** `currency`, when given, must be the order's. */
    MarkOrderPaid: withOptional(
      { orderId: Identifier, paymentId: Identifier, amount: PositiveInt, at: IsoDateTime },
      { currency: Currency },
    ),
    MarkOrderShipped: { orderId: Identifier, shipmentId: Identifier, at: IsoDateTime },
    CompleteOrder: { orderId: Identifier, at: IsoDateTime },
    CancelOrder: { orderId: Identifier, reason: NonEmptyString, at: IsoDateTime },
  },
  'OrderCommand',
);

/** An order command. */
export type OrderCommand = WithOptionalFields<MessageOf<typeof OrderCommands>, 'MarkOrderPaid', { currency: string }>;

/**
 * The codec of {@link OrderCommand}, typed with its optional fields: pass it as a command handler's
 * `commandCodec` (`OrderCommands.codec` decodes the same, but its static type cannot express them).
 */
export const orderCommandCodec = OrderCommands.codec as unknown as t.Type<OrderCommand, OrderCommand, unknown>;
