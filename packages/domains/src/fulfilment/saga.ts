import type { DomainError, ProcessManager } from '@ordo/kernel';
import type { FulfilmentCommand } from './commands';
import { decideFulfilment, defaultFulfilmentTimeouts, type FulfilmentTimeouts } from './decide';
import type { FulfilmentEvent } from './events';
import { FULFILMENT, parseFulfilmentCommandId } from './ids';
import type { FulfilmentInput, FulfilmentSignal } from './inputs';
import { reactToFulfilment } from './react';
import { evolveFulfilment, type FulfilmentState, initialFulfilmentState, isFulfilmentTerminal } from './state';

/** The fulfilment saga's process-manager type. */
export type FulfilmentSaga = ProcessManager<FulfilmentInput, FulfilmentEvent, FulfilmentState, FulfilmentCommand>;

/** Options of {@link createFulfilmentSaga}. */
export interface FulfilmentSagaOptions {
  /** Per-step timeouts in milliseconds; missing ones take {@link defaultFulfilmentTimeouts}. */
  readonly timeouts?: Partial<FulfilmentTimeouts>;
}

/**
 * The order-fulfilment saga: OrderPlaced -> reserve every line -> authorize -> capture -> ship ->
 * dispatched -> complete. Any refusal or timeout compensates what was done in reverse order
 * (refund or void, release every held line, cancel the order with the reason); steps still in
 * flight are undone when they answer, and the saga ends only when none is left. A decider over
 * its inputs: duplicates and stale timeouts cause no events, a terminal saga rejects everything.
 */
export const createFulfilmentSaga = (options: FulfilmentSagaOptions = {}): FulfilmentSaga => {
  const timeouts: FulfilmentTimeouts = { ...defaultFulfilmentTimeouts, ...options.timeouts };
  return {
    name: FULFILMENT,
    initialState: initialFulfilmentState,
    decide: decideFulfilment(timeouts),
    evolve: evolveFulfilment,
    isTerminal: isFulfilmentTerminal,
    correlate: (input) => input.orderId,
    react: reactToFulfilment,
  };
};

/** The fulfilment saga with the default timeouts. */
export const fulfilmentSaga: FulfilmentSaga = createFulfilmentSaga();

/**
 * The `CommandRejected` input reporting that a command the saga sent for `orderId` was refused,
 * or `undefined` when `commandId` is not one of the saga's.
 */
export const fulfilmentCommandRejected = (
  orderId: string,
  commandId: string,
  error: Pick<DomainError, 'code' | 'message'>,
  at: string,
): Extract<FulfilmentSignal, { type: 'CommandRejected' }> | undefined => {
  const parsed = parseFulfilmentCommandId(orderId, commandId);
  if (parsed === undefined) return undefined;
  return {
    type: 'CommandRejected',
    orderId,
    step: parsed.step,
    commandId,
    code: error.code,
    reason: error.message,
    at,
  };
};
