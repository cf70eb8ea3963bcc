/**
 * Payment: authorize (recording the gateway's answer), capture, void, refund (partial allowed).
 * One stream per payment (`payment-${paymentId}`). Rejection codes: see {@link paymentRejectionCodes}.
 */
export * from './commands';
export * from './events';
export * from './decider';
export * from './gateway';
