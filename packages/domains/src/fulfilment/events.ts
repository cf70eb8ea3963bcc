import * as t from 'io-ts';
import { defineMessages, type MessageOf } from '@ordo/kernel';
import { Address, Currency, Identifier, IsoDateTime, NonEmptyString, PositiveInt, Sku } from '../shared/codecs';
import { ShipmentLines } from '../shipping/lines';
import { TimedStepCodec } from './inputs';

/**
 * A step the saga may have to undo, as it stands when compensation starts:
 * - `reservation`: a line's stock is held (undo: release it);
 * - `authorization`: the payment is authorized, nothing captured (undo: void it);
 * - `capture`: the payment is captured (undo: refund the amount);
 * - `unanswered-authorization`: the gateway never answered (undo: record the authorization as
 *   declined, which also fences off a late approval: the payment then refuses it).
 */
export const UndoableStep = t.union(
  [
    t.type({ kind: t.literal('reservation'), sku: Sku, quantity: PositiveInt }),
    t.type({ kind: t.literal('authorization'), paymentId: Identifier }),
    t.type({ kind: t.literal('capture'), paymentId: Identifier, amount: PositiveInt }),
    t.type({
      kind: t.literal('unanswered-authorization'),
      paymentId: Identifier,
      amount: PositiveInt,
      currency: Currency,
      idempotencyKey: NonEmptyString,
    }),
  ],
  'UndoableStep',
);
/** A step the saga may have to undo. */
export type UndoableStep = t.TypeOf<typeof UndoableStep>;

/** A line as the saga handles it: a sku and a quantity (prices stay with the order). */
export const FulfilmentLine = t.type({ sku: Sku, quantity: PositiveInt }, 'FulfilmentLine');

/**
 * Events of the fulfilment saga, one stream per order (`fulfilment-${orderId}`). Each carries what
 * `react` needs to derive its commands, since `react` sees the event alone.
 */
export const FulfilmentEvents = defineMessages(
  {
    /** OrderPlaced arrived: every line is to be reserved before `reserveDueAt`. */
    FulfilmentStarted: {
      orderId: Identifier,
      customerId: Identifier,
      lines: t.readonlyArray(FulfilmentLine),
      total: PositiveInt,
      currency: Currency,
      shippingAddress: Address,
      reserveDueAt: IsoDateTime,
      at: IsoDateTime,
    },
    /** One line's stock is held. */
    LineReserved: { orderId: Identifier, sku: Sku, quantity: PositiveInt, at: IsoDateTime },
    /** Every line is held: confirm the order and ask for an authorization before `dueAt`. */
    PaymentRequested: {
      orderId: Identifier,
      paymentId: Identifier,
      amount: PositiveInt,
      currency: Currency,
      idempotencyKey: NonEmptyString,
      dueAt: IsoDateTime,
      at: IsoDateTime,
    },
    /** The gateway approved: capture before `dueAt`. */
    CaptureRequested: {
      orderId: Identifier,
      paymentId: Identifier,
      amount: PositiveInt,
      dueAt: IsoDateTime,
      at: IsoDateTime,
    },
    /** The payment is captured: mark the order paid and ship before `dueAt`. */
    ShipmentRequested: {
      orderId: Identifier,
      paymentId: Identifier,
      amount: PositiveInt,
      shipmentId: Identifier,
      lines: ShipmentLines,
      address: Address,
      dueAt: IsoDateTime,
      at: IsoDateTime,
    },
    /**
     * The shipment did not leave in time: ask the carrier to cancel it. Dispatch is the point of no
     * return, so if the parcel already left the cancellation is refused and the saga completes.
     */
    ShipmentCancellationRequested: { orderId: Identifier, shipmentId: Identifier, at: IsoDateTime },
    /** The parcel left: commit the stock, mark the order shipped and complete it. Terminal. */
    FulfilmentCompleted: { orderId: Identifier, shipmentId: Identifier, lines: ShipmentLines, at: IsoDateTime },
    /** The inventory refused a line (e.g. `insufficient_stock`). */
    ReservationRefused: { orderId: Identifier, sku: Sku, reason: NonEmptyString, at: IsoDateTime },
    /** A step failed or timed out (`reserve` here means the reservation step as a whole timed out). */
    StepFailed: { orderId: Identifier, step: TimedStepCodec, reason: NonEmptyString, at: IsoDateTime },
    /**
     * The order cannot be fulfilled: undo `steps` (listed in the order they were done) in reverse.
     * Steps still waiting for an answer are undone when the answer arrives.
     */
    CompensationStarted: {
      orderId: Identifier,
      failedStep: TimedStepCodec,
      reason: NonEmptyString,
      steps: t.readonlyArray(UndoableStep),
      at: IsoDateTime,
    },
    /** A step answered after compensation started (a late reservation, authorization, capture): undo it. */
    LateAnswerCompensated: { orderId: Identifier, step: UndoableStep, at: IsoDateTime },
    /** Nothing is left to undo or to wait for: cancel the order with the reason. Terminal. */
    FulfilmentCompensated: { orderId: Identifier, reason: NonEmptyString, at: IsoDateTime },
  },
  'FulfilmentEvent',
);

/** An event of the fulfilment saga. */
export type FulfilmentEvent = MessageOf<typeof FulfilmentEvents>;
