/**
 * Payment: authorize (recording the gateway's answer), capture, void, refund (partial allowed).
 * One stream per payment (`payment-${paymentId}`). Rejection codes: see {@link paymentRejectionCodes}.
 */
export { AuthorizationDecision, PaymentCommands, paymentCommandCodec } from './commands';
export type { PaymentCommand } from './commands';
export { PaymentEvents } from './events';
export type { PaymentEvent } from './events';
export { isPaymentTerminal, paymentDecider, paymentRejectionCodes, paymentStreamId } from './decider';
export type { AuthorizedPayment, PaymentState } from './decider';
export { authorizationCommand, createTestPaymentGateway, testGatewayAnswer } from './gateway';
export type { AuthorizationAnswer, AuthorizationRequest, KeyRule, PaymentGateway, TestGatewayRules } from './gateway';
