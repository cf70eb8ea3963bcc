import { defineMessages, type MessageOf } from '@ordo/kernel';
import { Currency, Identifier, IsoDateTime, NonEmptyString, PositiveInt } from '../shared/codecs';

/** Events of a payment. Every event names its order, so readers need not join. */
export const PaymentEvents = defineMessages(
  {
    PaymentAuthorized: {
      paymentId: Identifier,
      orderId: Identifier,
      amount: PositiveInt,
      currency: Currency,
      idempotencyKey: NonEmptyString,
      at: IsoDateTime,
    },
    PaymentDeclined: { paymentId: Identifier, orderId: Identifier, reason: NonEmptyString, at: IsoDateTime },
    PaymentCaptured: { paymentId: Identifier, orderId: Identifier, amount: PositiveInt, at: IsoDateTime },
    PaymentVoided: { paymentId: Identifier, orderId: Identifier, at: IsoDateTime },
    PaymentRefunded: { paymentId: Identifier, orderId: Identifier, amount: PositiveInt, at: IsoDateTime },
  },
  'PaymentEvent',
);

/** A payment event. */
export type PaymentEvent = MessageOf<typeof PaymentEvents>;
