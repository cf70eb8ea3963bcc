import type { Address } from '../shared/codecs';
import { lookup, put, type Table } from '../shared/records';
import type { FulfilmentEvent, UndoableStep } from './events';
import type { TimedStep } from './ids';

/**
 * Where the fulfilment of an order stands. Forward: reserving -> authorizing -> capturing ->
 * shipping -> completed. `cancelling-shipment` asks the carrier to stop a late parcel (dispatch is
 * the point of no return). `compensating` undoes what was done and waits for the steps still in
 * flight, then ends `compensated`.
 */
export type FulfilmentPhase =
  | 'awaiting-order'
  | 'reserving'
  | 'authorizing'
  | 'capturing'
  | 'shipping'
  | 'cancelling-shipment'
  | 'compensating'
  | 'completed'
  | 'compensated';

/** One line's stock: asked for, held, refused, then released or committed. */
export type LineStatus = 'requested' | 'reserved' | 'refused' | 'released' | 'committed';

/**
 * The payment as the saga knows it. `abandoned`: the gateway did not answer in time and the saga
 * recorded a decline to fence off a late approval (still waiting to learn which one won);
 * `voided`/`refunded`: the undoing command was issued.
 */
export type PaymentProgress =
  | 'none'
  | 'requested'
  | 'abandoned'
  | 'declined'
  | 'authorized'
  | 'capture-requested'
  | 'captured'
  | 'voided'
  | 'refunded';

/** The shipment as the saga knows it; `stopped`: failed, cancelled, or refused at creation. */
export type ShipmentProgress = 'none' | 'requested' | 'cancel-requested' | 'dispatched' | 'stopped';

/** What the saga keeps of the order it fulfils. */
export interface FulfilmentOrder {
  readonly orderId: string;
  readonly customerId: string;
  readonly lines: ReadonlyArray<{ readonly sku: string; readonly quantity: number }>;
  readonly total: number;
  readonly currency: string;
  readonly shippingAddress: Address;
}

/** State of one fulfilment. */
export interface FulfilmentState {
  readonly phase: FulfilmentPhase;
  readonly order: FulfilmentOrder | undefined;
  /** Line status by sku. */
  readonly lines: Table<LineStatus>;
  readonly payment: PaymentProgress;
  readonly shipment: ShipmentProgress;
  /** The first failure: why the order is being cancelled. */
  readonly failure: { readonly step: TimedStep; readonly reason: string } | undefined;
}

/** A fulfilment that has not seen its order yet. */
export const initialFulfilmentState: FulfilmentState = {
  phase: 'awaiting-order',
  order: undefined,
  lines: {},
  payment: 'none',
  shipment: 'none',
  failure: undefined,
};

/** True once the saga completed or finished compensating; it then accepts no input. */
export const isFulfilmentTerminal = (state: FulfilmentState): boolean =>
  state.phase === 'completed' || state.phase === 'compensated';

/** The status of one line (`undefined` for a sku the order does not have). */
export const lineStatus = (state: FulfilmentState, sku: string): LineStatus | undefined => lookup(state.lines, sku);

/** True when every line of the order is held. */
export const allLinesReserved = (state: FulfilmentState): boolean =>
  Object.values(state.lines).every((status) => status === 'reserved');

/**
 * True when a step the saga started has not answered yet and may still succeed: a reservation
 * asked for, an authorization fenced off but not settled, a capture in flight. A compensating saga
 * waits for these before it ends, so a late answer is undone rather than leaked.
 */
export const hasStepInFlight = (state: FulfilmentState): boolean =>
  Object.values(state.lines).some((status) => status === 'requested') ||
  state.payment === 'abandoned' ||
  state.payment === 'capture-requested' ||
  state.shipment === 'requested' ||
  state.shipment === 'cancel-requested';

/** The effect of undoing one step on the state. */
const undo = (state: FulfilmentState, step: UndoableStep): FulfilmentState => {
  switch (step.kind) {
    case 'reservation':
      return { ...state, lines: put(state.lines, step.sku, 'released') };
    case 'authorization':
      return { ...state, payment: 'voided' };
    case 'capture':
      return { ...state, payment: 'refunded' };
    case 'unanswered-authorization':
      return { ...state, payment: 'abandoned' };
  }
};

/** Applies one saga event. */
export const evolveFulfilment = (state: FulfilmentState, event: FulfilmentEvent): FulfilmentState => {
  switch (event.type) {
    case 'FulfilmentStarted': {
      const { orderId, customerId, lines, total, currency, shippingAddress } = event;
      let table: Table<LineStatus> = {};
      for (const line of lines) table = put(table, line.sku, 'requested');
      return {
        ...state,
        phase: 'reserving',
        order: { orderId, customerId, lines, total, currency, shippingAddress },
        lines: table,
      };
    }
    case 'LineReserved':
      return { ...state, lines: put(state.lines, event.sku, 'reserved') };
    case 'PaymentRequested':
      return { ...state, phase: 'authorizing', payment: 'requested' };
    case 'CaptureRequested':
      return { ...state, phase: 'capturing', payment: 'capture-requested' };
    case 'ShipmentRequested':
      return { ...state, phase: 'shipping', payment: 'captured', shipment: 'requested' };
    case 'ShipmentCancellationRequested':
      return { ...state, phase: 'cancelling-shipment', shipment: 'cancel-requested' };
    case 'FulfilmentCompleted': {
      let lines = state.lines;
      for (const line of event.lines) lines = put(lines, line.sku, 'committed');
      return { ...state, phase: 'completed', lines, shipment: 'dispatched' };
    }
    case 'ReservationRefused':
      return { ...state, lines: put(state.lines, event.sku, 'refused') };
    case 'StepFailed':
      switch (event.step) {
        case 'reserve':
          return state;
        case 'payment':
          return { ...state, payment: 'declined' };
        case 'capture':
          return { ...state, payment: 'authorized' };
        case 'shipment':
          return { ...state, shipment: 'stopped' };
      }
      return state;
    case 'CompensationStarted': {
      let next: FulfilmentState = {
        ...state,
        phase: 'compensating',
        failure: state.failure ?? { step: event.failedStep, reason: event.reason },
      };
      for (const step of event.steps) next = undo(next, step);
      return next;
    }
    case 'LateAnswerCompensated':
      return undo(state, event.step);
    case 'FulfilmentCompensated':
      return { ...state, phase: 'compensated' };
  }
};
