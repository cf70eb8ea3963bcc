import * as E from 'fp-ts/Either';
import { type DomainError, domainError } from '@ordo/kernel';
import type { FulfilmentEvent, UndoableStep } from './events';
import {
  fulfilmentTimeoutId,
  idempotencyKeyOf,
  parseFulfilmentCommandId,
  paymentIdOf,
  shipmentIdOf,
  type TimedStep,
} from './ids';
import type { FulfilmentInput } from './inputs';
import {
  allLinesReserved,
  evolveFulfilment,
  type FulfilmentOrder,
  type FulfilmentState,
  hasStepInFlight,
  isFulfilmentTerminal,
  lineStatus,
} from './state';

/** How long each step may take before the saga gives up on it, in milliseconds of business time. */
export type FulfilmentTimeouts = Readonly<Record<TimedStep, number>>;

/** Defaults: 30 s to reserve, 60 s for the gateway, 30 s to capture, 2 min for the parcel to leave. */
export const defaultFulfilmentTimeouts: FulfilmentTimeouts = {
  reserve: 30_000,
  payment: 60_000,
  capture: 30_000,
  shipment: 120_000,
};

/** The time `ms` after an ISO-8601 time (date arithmetic, not a clock). */
export const addMilliseconds = (iso: string, ms: number): string => {
  const t = Date.parse(iso);
  return Number.isNaN(t) ? iso : new Date(t + ms).toISOString();
};

const MAX_REASON = 300;
const reasonText = (text: string): string => {
  const trimmed = text.trim();
  if (trimmed.length === 0) return 'unspecified';
  return trimmed.length > MAX_REASON ? `${trimmed.slice(0, MAX_REASON - 3)}...` : trimmed;
};

/**
 * Collects the events one input causes, folding each into the state as it goes so later
 * decisions (what is left to undo, whether anything is still in flight) see the earlier ones.
 */
class Batch {
  readonly events: FulfilmentEvent[] = [];
  constructor(public state: FulfilmentState) {}
  push(event: FulfilmentEvent): this {
    this.events.push(event);
    this.state = evolveFulfilment(this.state, event);
    return this;
  }
}

/** The steps to undo right now, in the order they were done: held lines, then the payment. */
const undoableSteps = (state: FulfilmentState, order: FulfilmentOrder): UndoableStep[] => {
  const steps: UndoableStep[] = [];
  for (const line of order.lines) {
    if (lineStatus(state, line.sku) === 'reserved')
      steps.push({ kind: 'reservation', sku: line.sku, quantity: line.quantity });
  }
  const paymentId = paymentIdOf(order.orderId);
  switch (state.payment) {
    case 'authorized':
      steps.push({ kind: 'authorization', paymentId });
      break;
    case 'captured':
      steps.push({ kind: 'capture', paymentId, amount: order.total });
      break;
    case 'requested':
      steps.push({
        kind: 'unanswered-authorization',
        paymentId,
        amount: order.total,
        currency: order.currency,
        idempotencyKey: idempotencyKeyOf(order.orderId),
      });
      break;
    default:
      // A capture in flight is undone when its answer arrives; nothing else holds money.
      break;
  }
  return steps;
};

/** Ends a compensation once nothing is left in flight: the order is then cancelled. */
const settle = (batch: Batch, order: FulfilmentOrder, at: string): void => {
  const { state } = batch;
  if (state.phase !== 'compensating' || hasStepInFlight(state)) return;
  batch.push({
    type: 'FulfilmentCompensated',
    orderId: order.orderId,
    reason: state.failure?.reason ?? 'fulfilment failed',
    at,
  });
};

/** Starts compensating: undo what is done now, what is in flight once it answers. */
const compensate = (batch: Batch, order: FulfilmentOrder, failedStep: TimedStep, reason: string, at: string): void => {
  batch.push({
    type: 'CompensationStarted',
    orderId: order.orderId,
    failedStep,
    reason: reasonText(reason),
    steps: undoableSteps(batch.state, order),
    at,
  });
  settle(batch, order, at);
};

/** Undoes a step that answered after compensation started, then ends the compensation if it can. */
const undoLate = (batch: Batch, order: FulfilmentOrder, step: UndoableStep, at: string): void => {
  batch.push({ type: 'LateAnswerCompensated', orderId: order.orderId, step, at });
  settle(batch, order, at);
};

/** Every line is held: ask for the payment. */
const requestPayment = (batch: Batch, order: FulfilmentOrder, at: string, timeouts: FulfilmentTimeouts): void => {
  batch.push({
    type: 'PaymentRequested',
    orderId: order.orderId,
    paymentId: paymentIdOf(order.orderId),
    amount: order.total,
    currency: order.currency,
    idempotencyKey: idempotencyKeyOf(order.orderId),
    dueAt: addMilliseconds(at, timeouts.payment),
    at,
  });
};

/** Decides what one input means for a started fulfilment. */
const decideStarted = (
  input: FulfilmentInput,
  batch: Batch,
  order: FulfilmentOrder,
  timeouts: FulfilmentTimeouts,
): void => {
  const state = batch.state;
  const { orderId } = order;
  const { phase } = state;
  const paymentId = paymentIdOf(orderId);
  const shipmentId = shipmentIdOf(orderId);
  const shipmentInFlight = state.shipment === 'requested' || state.shipment === 'cancel-requested';
  switch (input.type) {
    case 'OrderPlaced':
    case 'ShipmentCreated':
      return;
    case 'StockReserved': {
      if (lineStatus(state, input.sku) !== 'requested') return;
      if (phase === 'reserving') {
        batch.push({ type: 'LineReserved', orderId, sku: input.sku, quantity: input.quantity, at: input.at });
        if (allLinesReserved(batch.state)) requestPayment(batch, order, input.at, timeouts);
      } else if (phase === 'compensating') {
        undoLate(batch, order, { kind: 'reservation', sku: input.sku, quantity: input.quantity }, input.at);
      }
      return;
    }
    case 'CommandRejected': {
      const parsed = parseFulfilmentCommandId(orderId, input.commandId);
      if (parsed === undefined || parsed.step !== input.step) return;
      const why = `${input.code}${input.reason.trim() === '' ? '' : ` (${input.reason})`}`;
      switch (parsed.step) {
        case 'reserve': {
          const sku = parsed.sku;
          if (sku === undefined || lineStatus(state, sku) !== 'requested') return;
          batch.push({ type: 'ReservationRefused', orderId, sku, reason: reasonText(input.code), at: input.at });
          if (phase === 'reserving') compensate(batch, order, 'reserve', `stock of ${sku} refused: ${why}`, input.at);
          else settle(batch, order, input.at);
          return;
        }
        case 'capture': {
          if (state.payment !== 'capture-requested') return;
          const reason = reasonText(`capture refused: ${why}`);
          batch.push({ type: 'StepFailed', orderId, step: 'capture', reason, at: input.at });
          if (phase === 'capturing') compensate(batch, order, 'capture', reason, input.at);
          else if (phase === 'compensating') undoLate(batch, order, { kind: 'authorization', paymentId }, input.at);
          return;
        }
        case 'ship': {
          if (!shipmentInFlight) return;
          const reason = reasonText(`shipment refused: ${why}`);
          batch.push({ type: 'StepFailed', orderId, step: 'shipment', reason, at: input.at });
          compensate(batch, order, 'shipment', reason, input.at);
          return;
        }
        default:
          // Rejections of bookkeeping (confirm, mark paid...) and of undoing commands change
          // nothing here: the refused cancellation of a shipment, for one, is followed by the
          // event that explains it (dispatched or failed).
          return;
      }
    }
    case 'PaymentAuthorized':
      if (input.paymentId !== paymentId) return;
      if (state.payment === 'requested' && phase === 'authorizing') {
        batch.push({
          type: 'CaptureRequested',
          orderId,
          paymentId,
          amount: order.total,
          dueAt: addMilliseconds(input.at, timeouts.capture),
          at: input.at,
        });
      } else if (state.payment === 'abandoned') {
        // The gateway answered after the saga gave up on it: undo, never apply.
        undoLate(batch, order, { kind: 'authorization', paymentId }, input.at);
      }
      return;
    case 'PaymentDeclined': {
      if (input.paymentId !== paymentId) return;
      const reason = reasonText(`payment declined: ${input.reason}`);
      if (state.payment === 'requested' && phase === 'authorizing') {
        batch.push({ type: 'StepFailed', orderId, step: 'payment', reason, at: input.at });
        compensate(batch, order, 'payment', reason, input.at);
      } else if (state.payment === 'abandoned') {
        batch.push({ type: 'StepFailed', orderId, step: 'payment', reason, at: input.at });
        settle(batch, order, input.at);
      }
      return;
    }
    case 'PaymentCaptured':
      if (input.paymentId !== paymentId || state.payment !== 'capture-requested') return;
      if (phase === 'capturing') {
        batch.push({
          type: 'ShipmentRequested',
          orderId,
          paymentId,
          amount: order.total,
          shipmentId,
          lines: order.lines.map(({ sku, quantity }) => ({ sku, quantity })),
          address: order.shippingAddress,
          dueAt: addMilliseconds(input.at, timeouts.shipment),
          at: input.at,
        });
      } else if (phase === 'compensating') {
        undoLate(batch, order, { kind: 'capture', paymentId, amount: input.amount }, input.at);
      }
      return;
    case 'ShipmentDispatched':
      if (input.shipmentId !== shipmentId || !shipmentInFlight) return;
      batch.push({
        type: 'FulfilmentCompleted',
        orderId,
        shipmentId,
        lines: order.lines.map(({ sku, quantity }) => ({ sku, quantity })),
        at: input.at,
      });
      return;
    case 'ShipmentFailed':
    case 'ShipmentCancelled': {
      if (input.shipmentId !== shipmentId || !shipmentInFlight) return;
      const reason = reasonText(
        input.type === 'ShipmentFailed'
          ? `shipment failed: ${input.reason}`
          : state.shipment === 'cancel-requested'
            ? 'shipment timed out and was cancelled'
            : 'shipment cancelled',
      );
      batch.push({ type: 'StepFailed', orderId, step: 'shipment', reason, at: input.at });
      compensate(batch, order, 'shipment', reason, input.at);
      return;
    }
    case 'StepTimedOut': {
      if (input.timeoutId !== fulfilmentTimeoutId(orderId, input.step)) return;
      const current: Partial<Record<typeof phase, TimedStep>> = {
        reserving: 'reserve',
        authorizing: 'payment',
        capturing: 'capture',
        shipping: 'shipment',
      };
      // A timeout for a step already passed is stale (its cancellation may not have landed).
      if (current[phase] !== input.step) return;
      switch (input.step) {
        case 'reserve':
          return compensate(batch, order, 'reserve', 'stock reservation timed out', input.at);
        case 'payment':
          return compensate(batch, order, 'payment', 'payment authorization timed out', input.at);
        case 'capture':
          return compensate(batch, order, 'capture', 'payment capture timed out', input.at);
        case 'shipment':
          batch.push({ type: 'ShipmentCancellationRequested', orderId, shipmentId, at: input.at });
          return;
      }
    }
  }
};

/** Rejection answered to any input once the fulfilment has ended. */
const ended = (state: FulfilmentState): DomainError =>
  domainError('fulfilment_ended', `the fulfilment of order ${state.order?.orderId ?? '?'} has ${state.phase}`, {
    orderId: state.order?.orderId,
    phase: state.phase,
  });

/**
 * The saga's `decide`: the events one input causes. Duplicated, stale and irrelevant inputs cause
 * none; a terminal saga rejects every input with `fulfilment_ended`; an input for another order
 * is rejected with `wrong_order` (a routing bug).
 */
export const decideFulfilment =
  (timeouts: FulfilmentTimeouts) =>
  (input: FulfilmentInput, state: FulfilmentState): E.Either<DomainError, ReadonlyArray<FulfilmentEvent>> => {
    if (isFulfilmentTerminal(state)) return E.left(ended(state));
    const order = state.order;
    if (order !== undefined && input.orderId !== order.orderId) {
      return E.left(
        domainError('wrong_order', `input for order ${input.orderId} reached the fulfilment of ${order.orderId}`, {
          expected: order.orderId,
          actual: input.orderId,
        }),
      );
    }
    const batch = new Batch(state);
    if (order === undefined) {
      // Before OrderPlaced nothing the saga asked for can answer: only the order starts it.
      if (input.type !== 'OrderPlaced') return E.right([]);
      const { orderId, customerId, total, currency, shippingAddress, at } = input;
      batch.push({
        type: 'FulfilmentStarted',
        orderId,
        customerId,
        lines: input.lines.map(({ sku, quantity }) => ({ sku, quantity })),
        total,
        currency,
        shippingAddress,
        reserveDueAt: addMilliseconds(at, timeouts.reserve),
        at,
      });
      // An order without lines (the order decider forbids them) has nothing to reserve.
      const started = batch.state.order;
      if (started !== undefined && allLinesReserved(batch.state)) requestPayment(batch, started, at, timeouts);
      return E.right(batch.events);
    }
    decideStarted(input, batch, order, timeouts);
    return E.right(batch.events);
  };
