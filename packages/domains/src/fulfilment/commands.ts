import { defineMessages, type MessageOf } from '@ordo/kernel';
import type { InventoryCommand } from '../inventory/commands';
import type { OrderCommand } from '../order/commands';
import type { PaymentCommand } from '../payment/commands';
import { Currency, Identifier, IsoDateTime, NonEmptyString, PositiveInt } from '../shared/codecs';
import type { ShipmentCommand } from '../shipping/commands';

/**
 * The one command the saga sends that no decider handles: a request to the payment service, which
 * calls the gateway outside any decider and records its answer with `AuthorizePayment`. If the
 * gateway stays silent nothing is recorded and the saga's payment timeout fires.
 */
export const PaymentServiceCommands = defineMessages(
  {
    RequestPaymentAuthorization: {
      paymentId: Identifier,
      orderId: Identifier,
      amount: PositiveInt,
      currency: Currency,
      idempotencyKey: NonEmptyString,
      at: IsoDateTime,
    },
  },
  'PaymentServiceCommand',
);

/** A request to the payment service. */
export type PaymentServiceCommand = MessageOf<typeof PaymentServiceCommands>;

/** Every command the fulfilment saga sends. */
export type FulfilmentCommand =
  OrderCommand | InventoryCommand | PaymentCommand | ShipmentCommand | PaymentServiceCommand;

/**
 * True for commands that move an order forward. A saga that is compensating sends none of them:
 * it only releases, voids, refunds, abandons an unanswered authorization (records it declined),
 * and cancels.
 */
export const isForwardCommand = (command: FulfilmentCommand): boolean => {
  switch (command.type) {
    case 'ReleaseReservation':
    case 'VoidPayment':
    case 'RefundPayment':
    case 'CancelOrder':
    case 'CancelShipment':
      return false;
    case 'AuthorizePayment':
      return command.decision === 'approved';
    default:
      return true;
  }
};
