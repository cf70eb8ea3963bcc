import { compensateInReverse, type SagaAction } from '@ordo/kernel';
import type { FulfilmentCommand } from './commands';
import type { FulfilmentEvent, UndoableStep } from './events';
import { fulfilmentCommandId, fulfilmentTimeoutId, type TimedStep, timedSteps } from './ids';
import type { FulfilmentInput } from './inputs';

/** An action of the fulfilment saga. */
export type FulfilmentAction = SagaAction<FulfilmentCommand, FulfilmentInput>;

const send = (command: FulfilmentCommand, commandId: string): FulfilmentAction => ({
  kind: 'send',
  command,
  commandId,
});

const schedule = (orderId: string, step: TimedStep, dueAt: string): FulfilmentAction => {
  const timeoutId = fulfilmentTimeoutId(orderId, step);
  return { kind: 'schedule', timeoutId, dueAt, input: { type: 'StepTimedOut', orderId, step, timeoutId, at: dueAt } };
};

const cancel = (orderId: string, step: TimedStep): FulfilmentAction => ({
  kind: 'cancel',
  timeoutId: fulfilmentTimeoutId(orderId, step),
});

/** The command undoing one step, with its deterministic id. */
export const undoCommand = (orderId: string, step: UndoableStep, at: string): FulfilmentAction => {
  switch (step.kind) {
    case 'reservation':
      return send(
        { type: 'ReleaseReservation', sku: step.sku, orderId, at },
        fulfilmentCommandId(orderId, 'release', step.sku),
      );
    case 'authorization':
      return send({ type: 'VoidPayment', paymentId: step.paymentId, at }, fulfilmentCommandId(orderId, 'void'));
    case 'capture':
      return send(
        { type: 'RefundPayment', paymentId: step.paymentId, amount: step.amount, at },
        fulfilmentCommandId(orderId, 'refund'),
      );
    case 'unanswered-authorization':
      // Records the unanswered request as declined. Whichever lands first on the payment stream
      // wins: this decline (a late approval is then refused) or the gateway's approval (this is
      // then a no-op or refused, and the saga voids the authorization when it sees it).
      return send(
        {
          type: 'AuthorizePayment',
          paymentId: step.paymentId,
          orderId,
          amount: step.amount,
          currency: step.currency,
          idempotencyKey: step.idempotencyKey,
          decision: 'declined',
          declineReason: 'gateway_timeout',
          at,
        },
        fulfilmentCommandId(orderId, 'abandon-authorization'),
      );
  }
};

/** The commands and timeouts one recorded saga event asks for. */
export const reactToFulfilment = (event: FulfilmentEvent): ReadonlyArray<FulfilmentAction> => {
  const { orderId, at } = event;
  switch (event.type) {
    case 'FulfilmentStarted':
      return [
        ...event.lines.map((line) =>
          send(
            { type: 'ReserveStock', sku: line.sku, orderId, quantity: line.quantity, at },
            fulfilmentCommandId(orderId, 'reserve', line.sku),
          ),
        ),
        schedule(orderId, 'reserve', event.reserveDueAt),
      ];
    case 'PaymentRequested':
      return [
        cancel(orderId, 'reserve'),
        send({ type: 'ConfirmOrder', orderId, at }, fulfilmentCommandId(orderId, 'confirm')),
        send(
          {
            type: 'RequestPaymentAuthorization',
            paymentId: event.paymentId,
            orderId,
            amount: event.amount,
            currency: event.currency,
            idempotencyKey: event.idempotencyKey,
            at,
          },
          fulfilmentCommandId(orderId, 'authorize'),
        ),
        schedule(orderId, 'payment', event.dueAt),
      ];
    case 'CaptureRequested':
      return [
        cancel(orderId, 'payment'),
        send(
          { type: 'CapturePayment', paymentId: event.paymentId, amount: event.amount, at },
          fulfilmentCommandId(orderId, 'capture'),
        ),
        schedule(orderId, 'capture', event.dueAt),
      ];
    case 'ShipmentRequested':
      return [
        cancel(orderId, 'capture'),
        send(
          { type: 'MarkOrderPaid', orderId, paymentId: event.paymentId, amount: event.amount, at },
          fulfilmentCommandId(orderId, 'mark-paid'),
        ),
        send(
          {
            type: 'CreateShipment',
            shipmentId: event.shipmentId,
            orderId,
            lines: event.lines,
            address: event.address,
            at,
          },
          fulfilmentCommandId(orderId, 'ship'),
        ),
        schedule(orderId, 'shipment', event.dueAt),
      ];
    case 'ShipmentCancellationRequested':
      return [
        send(
          { type: 'CancelShipment', shipmentId: event.shipmentId, at },
          fulfilmentCommandId(orderId, 'cancel-shipment'),
        ),
      ];
    case 'FulfilmentCompleted':
      return [
        cancel(orderId, 'shipment'),
        ...event.lines.map((line) =>
          send(
            { type: 'CommitReservation', sku: line.sku, orderId, at },
            fulfilmentCommandId(orderId, 'commit', line.sku),
          ),
        ),
        send(
          { type: 'MarkOrderShipped', orderId, shipmentId: event.shipmentId, at },
          fulfilmentCommandId(orderId, 'mark-shipped'),
        ),
        send({ type: 'CompleteOrder', orderId, at }, fulfilmentCommandId(orderId, 'complete')),
      ];
    case 'CompensationStarted':
      return [
        ...timedSteps.map((step) => cancel(orderId, step)),
        ...compensateInReverse(event.steps, (step) => undoCommand(orderId, step, at)),
      ];
    case 'LateAnswerCompensated':
      return [undoCommand(orderId, event.step, at)];
    case 'FulfilmentCompensated':
      return [
        send({ type: 'CancelOrder', orderId, reason: event.reason, at }, fulfilmentCommandId(orderId, 'cancel-order')),
      ];
    case 'LineReserved':
    case 'ReservationRefused':
    case 'StepFailed':
      return [];
  }
};
