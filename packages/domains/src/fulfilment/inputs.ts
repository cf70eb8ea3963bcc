import * as t from 'io-ts';
import { defineMessages, type MessageOf } from '@ordo/kernel';
import { type InventoryEvent, InventoryEvents } from '../inventory/events';
import { type OrderEvent, OrderEvents } from '../order/events';
import { type PaymentEvent, PaymentEvents } from '../payment/events';
import { Identifier, IsoDateTime, NonEmptyString } from '../shared/codecs';
import { type ShipmentEvent, ShipmentEvents } from '../shipping/events';
import { type FulfilmentCommandStep, fulfilmentCommandSteps, type TimedStep, timedSteps } from './ids';

const keysOf = <K extends string>(keys: ReadonlyArray<K>, name: string) =>
  t.keyof(Object.fromEntries(keys.map((k) => [k, null])) as Record<K, null>, name);

/** Codec of a timed step name. */
export const TimedStepCodec = keysOf<TimedStep>(timedSteps, 'TimedStep');
/** Codec of a saga command step name. */
export const FulfilmentCommandStepCodec = keysOf<FulfilmentCommandStep>(
  fulfilmentCommandSteps,
  'FulfilmentCommandStep',
);

/**
 * The saga's own inputs besides domain events:
 * - `StepTimedOut`: a timeout the saga scheduled came due (it may arrive late, twice, or after the
 *   step answered: the saga ignores stale ones);
 * - `CommandRejected`: the host's dispatcher reports that a command the saga sent was rejected
 *   (`code` is the DomainError's code, e.g. `insufficient_stock`).
 */
export const FulfilmentSignals = defineMessages(
  {
    StepTimedOut: { orderId: Identifier, step: TimedStepCodec, timeoutId: NonEmptyString, at: IsoDateTime },
    CommandRejected: {
      orderId: Identifier,
      step: FulfilmentCommandStepCodec,
      commandId: NonEmptyString,
      code: NonEmptyString,
      reason: t.string,
      at: IsoDateTime,
    },
  },
  'FulfilmentSignal',
);

/** A timeout or a rejection reported to the saga. */
export type FulfilmentSignal = MessageOf<typeof FulfilmentSignals>;

/** The domain events the saga reacts to, by type. */
export const fulfilmentEventInputTypes = [
  'OrderPlaced',
  'StockReserved',
  'PaymentAuthorized',
  'PaymentDeclined',
  'PaymentCaptured',
  'ShipmentCreated',
  'ShipmentDispatched',
  'ShipmentFailed',
  'ShipmentCancelled',
] as const;

/** Everything the saga decides on: the domain events it reacts to, timeouts and rejections. */
export type FulfilmentInput =
  | Extract<OrderEvent, { readonly type: 'OrderPlaced' }>
  | Extract<InventoryEvent, { readonly type: 'StockReserved' }>
  | Extract<PaymentEvent, { readonly type: 'PaymentAuthorized' | 'PaymentDeclined' | 'PaymentCaptured' }>
  | Extract<
      ShipmentEvent,
      { readonly type: 'ShipmentCreated' | 'ShipmentDispatched' | 'ShipmentFailed' | 'ShipmentCancelled' }
    >
  | FulfilmentSignal;

/** Every input type, for routing and subscriptions. */
export const fulfilmentInputTypes: ReadonlyArray<FulfilmentInput['type']> = [
  ...fulfilmentEventInputTypes,
  ...FulfilmentSignals.types,
];

/** True when a message (of any type) is one the saga takes as input. */
export const isFulfilmentInputType = (type: string): type is FulfilmentInput['type'] =>
  (fulfilmentInputTypes as ReadonlyArray<string>).includes(type);

/** Decodes an untrusted saga input (a bus payload); anything else fails with the offending field. */
export const FulfilmentInputCodec = t.union(
  [
    OrderEvents.codecs.OrderPlaced,
    InventoryEvents.codecs.StockReserved,
    PaymentEvents.codecs.PaymentAuthorized,
    PaymentEvents.codecs.PaymentDeclined,
    PaymentEvents.codecs.PaymentCaptured,
    ShipmentEvents.codecs.ShipmentCreated,
    ShipmentEvents.codecs.ShipmentDispatched,
    ShipmentEvents.codecs.ShipmentFailed,
    ShipmentEvents.codecs.ShipmentCancelled,
    FulfilmentSignals.codecs.StepTimedOut,
    FulfilmentSignals.codecs.CommandRejected,
  ],
  'FulfilmentInput',
) as unknown as t.Type<FulfilmentInput, FulfilmentInput, unknown>;
