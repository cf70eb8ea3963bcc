import { accept, type Decider, type DomainError, domainError, reject } from '@ordo/kernel';
import { currencyMismatch, isPositiveInt, streamMismatch } from '../shared/rejections';
import type { PaymentCommand } from './commands';
import type { PaymentEvent } from './events';

/** A payment the gateway approved, with what was captured and refunded of it. */
export interface AuthorizedPayment {
  readonly status: 'authorized' | 'voided';
  readonly paymentId: string;
  readonly orderId: string;
  readonly currency: string;
  readonly idempotencyKey: string;
  readonly authorized: number;
  readonly captured: number;
  readonly refunded: number;
}

/** State of one payment stream. */
export type PaymentState =
  | { readonly status: 'none' }
  | { readonly status: 'declined'; readonly paymentId: string; readonly orderId: string; readonly reason: string }
  | AuthorizedPayment;

/** Stream of the payment a command targets. */
export const paymentStreamId = (command: { readonly paymentId: string }): string => `payment-${command.paymentId}`;

/**
 * Rejection codes of a payment:
 * - `payment_not_found`: capture, void or refund before an authorization;
 * - `payment_already_authorized`: AuthorizePayment again with another idempotency key;
 * - `idempotency_key_reused`: AuthorizePayment again with the same key but another order, amount or
 *   currency (the same request again is accepted with no events);
 * - `capture_exceeds_authorized`: capturing more than the authorized amount not yet captured;
 * - `capture_after_refund`: capturing once a refund was made;
 * - `payment_already_captured`: VoidPayment once something was captured (refund instead);
 * - `refund_exceeds_captured`: refunding more than captured and not yet refunded;
 * - `payment_declined`, `payment_voided`, `payment_refunded`: any command on a terminal payment
 *   (declined, voided, or everything captured refunded);
 * - `invalid_amount`: an amount that is not a positive integer (codec bypassed);
 * - `currency_mismatch`: capture or refund stating another currency than the authorization's;
 * - `stream_mismatch`: the command names another payment than the stream's.
 */
export const paymentRejectionCodes = [
  'payment_not_found',
  'payment_already_authorized',
  'idempotency_key_reused',
  'capture_exceeds_authorized',
  'capture_after_refund',
  'payment_already_captured',
  'refund_exceeds_captured',
  'payment_declined',
  'payment_voided',
  'payment_refunded',
  'invalid_amount',
  'currency_mismatch',
  'stream_mismatch',
] as const;

const paymentError = (code: string, paymentId: string, message: string, details = {}): DomainError =>
  domainError(code, `payment ${paymentId} ${message}`, { paymentId, ...details });

/** True for declined, voided and fully refunded payments, which accept no command. */
export const isPaymentTerminal = (state: PaymentState): boolean =>
  state.status === 'declined' ||
  state.status === 'voided' ||
  (state.status === 'authorized' && state.refunded > 0 && state.refunded === state.captured);

const terminalError = (state: PaymentState & { readonly paymentId: string }): DomainError =>
  state.status === 'declined'
    ? paymentError('payment_declined', state.paymentId, `was declined: ${state.reason}`)
    : state.status === 'voided'
      ? paymentError('payment_voided', state.paymentId, 'was voided')
      : paymentError('payment_refunded', state.paymentId, 'was fully refunded');

const authorize = (command: Extract<PaymentCommand, { type: 'AuthorizePayment' }>) => {
  const { paymentId, orderId, amount, currency, idempotencyKey, at } = command;
  if (!isPositiveInt(amount)) return reject(invalidAmount(paymentId, amount));
  if (command.decision === 'declined') {
    return accept<PaymentEvent>({
      type: 'PaymentDeclined',
      paymentId,
      orderId,
      reason: command.declineReason ?? 'declined',
      at,
    });
  }
  return accept<PaymentEvent>({ type: 'PaymentAuthorized', paymentId, orderId, amount, currency, idempotencyKey, at });
};

const invalidAmount = (paymentId: string, amount: number): DomainError =>
  paymentError('invalid_amount', paymentId, `amount must be a positive integer of minor units, got ${amount}`, {
    amount,
  });

const decide = (command: PaymentCommand, state: PaymentState) => {
  if (state.status === 'none') {
    return command.type === 'AuthorizePayment'
      ? authorize(command)
      : reject(paymentError('payment_not_found', command.paymentId, 'was never authorized'));
  }
  const { paymentId } = state;
  if (command.paymentId !== paymentId) return reject(streamMismatch('paymentId', paymentId, command.paymentId));
  if (state.status !== 'authorized' || isPaymentTerminal(state)) return reject(terminalError(state));
  switch (command.type) {
    case 'AuthorizePayment': {
      if (command.idempotencyKey !== state.idempotencyKey) {
        return reject(paymentError('payment_already_authorized', paymentId, 'is already authorized'));
      }
      const sameRequest =
        command.orderId === state.orderId && command.amount === state.authorized && command.currency === state.currency;
      if (!sameRequest) {
        return reject(
          paymentError(
            'idempotency_key_reused',
            paymentId,
            `idempotency key ${command.idempotencyKey} was used for another request`,
          ),
        );
      }
      return accept<PaymentEvent>();
    }
    case 'CapturePayment': {
      const { amount, at } = command;
      if (!isPositiveInt(amount)) return reject(invalidAmount(paymentId, amount));
      if (command.currency !== undefined && command.currency !== state.currency) {
        return reject(currencyMismatch(state.currency, command.currency));
      }
      if (state.refunded > 0) return reject(paymentError('capture_after_refund', paymentId, 'was already refunded'));
      const capturable = state.authorized - state.captured;
      if (amount > capturable) {
        return reject(
          paymentError('capture_exceeds_authorized', paymentId, `can capture ${capturable}, not ${amount}`, {
            capturable,
            amount,
          }),
        );
      }
      return accept<PaymentEvent>({ type: 'PaymentCaptured', paymentId, orderId: state.orderId, amount, at });
    }
    case 'VoidPayment':
      if (state.captured > 0) {
        return reject(paymentError('payment_already_captured', paymentId, 'was captured: refund it instead'));
      }
      return accept<PaymentEvent>({ type: 'PaymentVoided', paymentId, orderId: state.orderId, at: command.at });
    case 'RefundPayment': {
      const { amount, at } = command;
      if (!isPositiveInt(amount)) return reject(invalidAmount(paymentId, amount));
      if (command.currency !== undefined && command.currency !== state.currency) {
        return reject(currencyMismatch(state.currency, command.currency));
      }
      const refundable = state.captured - state.refunded;
      if (amount > refundable) {
        return reject(
          paymentError('refund_exceeds_captured', paymentId, `can refund ${refundable}, not ${amount}`, {
            refundable,
            amount,
          }),
        );
      }
      return accept<PaymentEvent>({ type: 'PaymentRefunded', paymentId, orderId: state.orderId, amount, at });
    }
  }
};

const evolve = (state: PaymentState, event: PaymentEvent): PaymentState => {
  switch (event.type) {
    case 'PaymentAuthorized':
      return {
        status: 'authorized',
        paymentId: event.paymentId,
        orderId: event.orderId,
        currency: event.currency,
        idempotencyKey: event.idempotencyKey,
        authorized: event.amount,
        captured: 0,
        refunded: 0,
      };
    case 'PaymentDeclined':
      return { status: 'declined', paymentId: event.paymentId, orderId: event.orderId, reason: event.reason };
  }
  if (state.status !== 'authorized') return state;
  switch (event.type) {
    case 'PaymentCaptured':
      return { ...state, captured: state.captured + event.amount };
    case 'PaymentVoided':
      return { ...state, status: 'voided' };
    case 'PaymentRefunded':
      return { ...state, refunded: state.refunded + event.amount };
  }
};

/**
 * One payment. Invariant: `0 <= refunded <= captured <= authorized`; nothing is captured after a
 * refund or a void; declined, voided and fully refunded payments are terminal.
 */
export const paymentDecider: Decider<PaymentCommand, PaymentEvent, PaymentState> = {
  initialState: { status: 'none' },
  decide,
  evolve,
  isTerminal: isPaymentTerminal,
};
