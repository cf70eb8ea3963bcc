import type { CommandFailure, OutboxMessage, OutgoingMessage } from '@ordo/kernel';
import { type FulfilmentInput, fulfilmentCommandRejected } from '@ordo/domains';
import type { SagaSignal } from '../workers/saga-runner';

/** Turns the rejection of a command the fulfilment saga sent into the saga's input (bad input counts as `invalid_command`). */
export const fulfilmentRejectionInput = (
  orderId: string,
  commandId: string,
  failure: Exclude<CommandFailure, { _tag: 'ConcurrencyConflict' }>,
  at: string,
): FulfilmentInput | undefined =>
  fulfilmentCommandRejected(
    orderId,
    commandId,
    failure._tag === 'DomainError' ? failure : { code: 'invalid_command', message: failure.message },
    at,
  );

/** The saga stream a fulfilment signal belongs to (its message key). */
export const fulfilmentSignalKey = (signal: SagaSignal<FulfilmentInput>): string =>
  `fulfilment-${signal.input.orderId}`;

/** A fulfilment saga signal (a fired timeout, a rejected command) as a message on `topic`, keyed by its saga stream. */
export const fulfilmentSignalMessage = (signal: SagaSignal<FulfilmentInput>, topic: string): OutgoingMessage => ({
  id: signal.messageId,
  topic,
  key: fulfilmentSignalKey(signal),
  type: signal.input.type,
  payload: signal.input,
  headers: {},
});

/**
 * The same signal as an outbox row (a timeout fired by a durable scheduler into the outbox): it
 * joins its saga stream's messages; it has no stream position of its own, so both are -1.
 */
export const fulfilmentSignalOutboxMessage = (signal: SagaSignal<FulfilmentInput>, topic: string): OutboxMessage =>
  // Object.assign rather than a spread followed by new keys: a slow path of V8 on Node 20.
  Object.assign(fulfilmentSignalMessage(signal, topic), {
    streamId: fulfilmentSignalKey(signal),
    streamVersion: -1n,
    globalPosition: -1n,
  });
