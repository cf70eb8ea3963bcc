import * as t from 'io-ts';
import { defineMessages, type MessageOf } from '@ordo/kernel';
import { Currency, Identifier, IsoDateTime, NonEmptyString, PositiveInt } from '../shared/codecs';
import { type WithOptionalFields, withOptional } from '../shared/optional';

/** What the payment gateway answered to an authorization request. */
export const AuthorizationDecision = t.keyof({ approved: null, declined: null }, 'AuthorizationDecision');

/**
 * Commands of a payment (`payment-${paymentId}`). The gateway is called outside the decider (see
 * `gateway.ts`); `AuthorizePayment` records its answer. Amounts are integer minor units;
 * `currency`, when given on capture or refund, must be the authorization's.
 */
export const PaymentCommands = defineMessages(
  {
    AuthorizePayment: withOptional(
      {
        paymentId: Identifier,
        orderId: Identifier,
        amount: PositiveInt,
        currency: Currency,
        idempotencyKey: NonEmptyString,
        decision: AuthorizationDecision,
        at: IsoDateTime,
      },
      { declineReason: NonEmptyString },
    ),
    CapturePayment: withOptional(
      { paymentId: Identifier, amount: PositiveInt, at: IsoDateTime },
      { currency: Currency },
    ),
    VoidPayment: { paymentId: Identifier, at: IsoDateTime },
    RefundPayment: withOptional(
      { paymentId: Identifier, amount: PositiveInt, at: IsoDateTime },
      { currency: Currency },
    ),
  },
  'PaymentCommand',
);

type RawPaymentCommand = MessageOf<typeof PaymentCommands>;

/** A payment command. */
export type PaymentCommand = WithOptionalFields<
  WithOptionalFields<
    WithOptionalFields<RawPaymentCommand, 'AuthorizePayment', { declineReason: string }>,
    'CapturePayment',
    { currency: string }
  >,
  'RefundPayment',
  { currency: string }
>;

/**
 * The codec of {@link PaymentCommand}, typed with its optional fields: pass it as a command handler's
 * `commandCodec` (`PaymentCommands.codec` decodes the same, but its static type cannot express them).
 */
export const paymentCommandCodec = PaymentCommands.codec as unknown as t.Type<PaymentCommand, PaymentCommand, unknown>;
