/**
 * Fulfilment: the saga that turns a placed order into a completed or cancelled one, across
 * inventory, payment, shipping and the order itself. One stream per order
 * (`fulfilment-${orderId}`); see {@link createFulfilmentSaga}.
 */
export {
  FULFILMENT,
  fulfilmentCommandId,
  fulfilmentCommandSteps,
  fulfilmentStreamId,
  fulfilmentTimeoutId,
  idempotencyKeyOf,
  parseFulfilmentCommandId,
  paymentIdOf,
  shipmentIdOf,
  timedSteps,
} from './ids';
export type { FulfilmentCommandStep, TimedStep } from './ids';
export {
  FulfilmentCommandStepCodec,
  FulfilmentInputCodec,
  FulfilmentSignals,
  TimedStepCodec,
  fulfilmentEventInputTypes,
  fulfilmentInputTypes,
  isFulfilmentInputType,
} from './inputs';
export type { FulfilmentInput, FulfilmentSignal } from './inputs';
export { PaymentServiceCommands, isForwardCommand } from './commands';
export type { FulfilmentCommand, PaymentServiceCommand } from './commands';
export { FulfilmentEvents, FulfilmentLine, UndoableStep } from './events';
export type { FulfilmentEvent } from './events';
export {
  allLinesReserved,
  evolveFulfilment,
  hasStepInFlight,
  initialFulfilmentState,
  isFulfilmentTerminal,
  lineStatus,
} from './state';
export type {
  FulfilmentOrder,
  FulfilmentPhase,
  FulfilmentState,
  LineStatus,
  PaymentProgress,
  ShipmentProgress,
} from './state';
export { addMilliseconds, decideFulfilment, defaultFulfilmentTimeouts } from './decide';
export type { FulfilmentTimeouts } from './decide';
export { reactToFulfilment, undoCommand } from './react';
export type { FulfilmentAction } from './react';
export { createFulfilmentSaga, fulfilmentCommandRejected, fulfilmentSaga } from './saga';
export type { FulfilmentSaga, FulfilmentSagaOptions } from './saga';
