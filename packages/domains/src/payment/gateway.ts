import type { PaymentCommand } from './commands';

/** What a payment service asks the gateway to authorize. */
export interface AuthorizationRequest {
  readonly paymentId: string;
  readonly amount: number;
  readonly currency: string;
  /** The gateway answers a repeated key with its first answer; the saga derives it from the order. */
  readonly idempotencyKey: string;
}

/** The gateway's answer; `no_answer` means it did not respond in time (the caller may retry with the same key). */
export type AuthorizationAnswer =
  | { readonly outcome: 'approved' }
  | { readonly outcome: 'declined'; readonly reason: string }
  | { readonly outcome: 'no_answer' };

/**
 * The payment gateway port. It is called outside the decider (by a payment service or the host);
 * the decider only records the answer through `AuthorizePayment`.
 */
export interface PaymentGateway {
  authorize(request: AuthorizationRequest): Promise<AuthorizationAnswer>;
}

/** A rule matching idempotency keys: an exact key or a pattern. */
export type KeyRule = string | RegExp;

/** Rules of the deterministic test gateway. The first matching rule wins, in the order listed here. */
export interface TestGatewayRules {
  /** Keys the gateway never answers (`no_answer`), e.g. to exercise timeouts. */
  readonly noAnswerKeys?: ReadonlyArray<KeyRule>;
  /** Keys declined with reason `card_declined`. */
  readonly declineKeys?: ReadonlyArray<KeyRule>;
  /** Currencies declined with reason `currency_not_supported`. */
  readonly declineCurrencies?: ReadonlyArray<string>;
  /** Amounts strictly above this limit (minor units) are declined with reason `amount_over_limit`. */
  readonly declineAbove?: number;
}

// `String.prototype.search` ignores a pattern's `lastIndex`, so a /g pattern cannot make the answer
// depend on earlier calls.
const matches = (rules: ReadonlyArray<KeyRule> | undefined, key: string): boolean =>
  rules?.some((rule) => (typeof rule === 'string' ? rule === key : key.search(rule) >= 0)) ?? false;

/** The test gateway's answer: a pure function of the rules and the request. */
export const testGatewayAnswer = (rules: TestGatewayRules, request: AuthorizationRequest): AuthorizationAnswer => {
  if (matches(rules.noAnswerKeys, request.idempotencyKey)) return { outcome: 'no_answer' };
  if (matches(rules.declineKeys, request.idempotencyKey)) return { outcome: 'declined', reason: 'card_declined' };
  if (rules.declineCurrencies?.includes(request.currency)) {
    return { outcome: 'declined', reason: 'currency_not_supported' };
  }
  if (rules.declineAbove !== undefined && request.amount > rules.declineAbove) {
    return { outcome: 'declined', reason: 'amount_over_limit' };
  }
  return { outcome: 'approved' };
};

/**
 * A deterministic gateway for tests and demos: the same request always gets the same answer, with
 * no randomness and no clock. Without rules it approves everything.
 */
export const createTestPaymentGateway = (rules: TestGatewayRules = {}): PaymentGateway => ({
  authorize: async (request) => testGatewayAnswer(rules, request),
});

/**
 * The `AuthorizePayment` command recording a gateway answer, or `undefined` for `no_answer`
 * (nothing to record: retry with the same idempotency key, or give up on a timeout).
 */
export const authorizationCommand = (
  request: AuthorizationRequest & { readonly orderId: string; readonly at: string },
  answer: AuthorizationAnswer,
): Extract<PaymentCommand, { type: 'AuthorizePayment' }> | undefined => {
  const { paymentId, orderId, amount, currency, idempotencyKey, at } = request;
  const base = { type: 'AuthorizePayment', paymentId, orderId, amount, currency, idempotencyKey, at } as const;
  switch (answer.outcome) {
    case 'approved':
      return { ...base, decision: 'approved' };
    case 'declined':
      return { ...base, decision: 'declined', declineReason: answer.reason };
    case 'no_answer':
      return undefined;
  }
};
