import type { Clock } from '@ordo/kernel';
import {
  type AuthorizationAnswer,
  authorizationCommand,
  type PaymentGateway,
  type PaymentServiceCommand,
} from '@ordo/domains';
import type { CommandDispatcher, CommandEnvelope, CommandRoute } from './command-dispatcher';

/** Options of {@link createPaymentService}. */
export interface PaymentServiceOptions {
  readonly gateway: PaymentGateway;
  readonly clock: Clock;
  /** Where the recorded answer (`AuthorizePayment`) goes. */
  readonly dispatcher: () => CommandDispatcher;
  /** Called when a gateway call or the recording of its answer fails (it is not retried). */
  readonly onError?: (error: unknown, request: PaymentServiceCommand) => void;
  /**
   * `true`: the route waits for the gateway's answer to be recorded, and a failure fails the
   * route (the message is delivered again and the gateway asked again under the same
   * idempotency key): what a long-running host wants, so a crash mid-call loses nothing.
   * `false` (default): the route returns at once and the call runs on (the simulation releases
   * gateway answers one at a time); a failure goes to `onError`.
   */
  readonly awaitCalls?: boolean;
  /** A gateway call that takes longer counts as `no_answer` (ms); default: no limit. */
  readonly timeoutMs?: number;
}

/** The payment service: calls the gateway outside any decider and records its answer. */
export interface PaymentService {
  /** The dispatcher route of `RequestPaymentAuthorization`: starts the call and returns at once. */
  readonly route: CommandRoute;
  /** Calls in flight (waiting for the gateway or for the recording of its answer). */
  inFlight(): number;
  /** Resolves when no call is in flight. */
  idle(): Promise<void>;
  /** Forgets the calls in flight, as a crashed process does: their answers are dropped. */
  reset(): void;
}

/** Command id of the recorded gateway answer: one per payment, so a repeated answer is dropped. */
export const gatewayAnswerCommandId = (paymentId: string): string => `${paymentId}:gateway-answer`;

/**
 * Creates the payment service. `RequestPaymentAuthorization` starts a gateway call and returns
 * at once (the dispatcher is not held while the gateway thinks); an approved or declined answer
 * is recorded with `AuthorizePayment` under the request's idempotency key. `no_answer` records
 * nothing: the saga's payment timeout fires and it records the request declined itself, which
 * the payment decider then holds against a late approval.
 */
export const createPaymentService = (options: PaymentServiceOptions): PaymentService => {
  let generation = 0;
  const pending = new Set<Promise<void>>();

  const authorize = (request: PaymentServiceCommand): Promise<AuthorizationAnswer> => {
    const asked = options.gateway.authorize({
      paymentId: request.paymentId,
      amount: request.amount,
      currency: request.currency,
      idempotencyKey: request.idempotencyKey,
    });
    const limit = options.timeoutMs;
    if (limit === undefined) return asked;
    let timer: ReturnType<typeof setTimeout> | undefined;
    const gaveUp = new Promise<AuthorizationAnswer>((resolve) => {
      timer = setTimeout(() => resolve({ outcome: 'no_answer' }), limit);
      timer.unref?.();
    });
    return Promise.race([asked, gaveUp]).finally(() => clearTimeout(timer));
  };

  const call = async (envelope: CommandEnvelope, request: PaymentServiceCommand, started: number): Promise<void> => {
    const answer = await authorize(request);
    if (started !== generation) return; // the process that asked has crashed since
    const command = authorizationCommand({ ...request, at: options.clock.now().toISOString() }, answer);
    if (command === undefined) return;
    await options.dispatcher().dispatch({
      command,
      commandId: gatewayAnswerCommandId(request.paymentId),
      occurredAt: options.clock.now().toISOString(),
      ...(envelope.correlationId === undefined ? {} : { correlationId: envelope.correlationId }),
      causationId: envelope.commandId,
    });
  };

  return {
    route: {
      kind: 'service',
      run: async (envelope) => {
        const request = envelope.command as PaymentServiceCommand;
        const started = generation;
        if (options.awaitCalls === true) {
          const running = call(envelope, request, started);
          pending.add(running);
          try {
            await running;
          } finally {
            pending.delete(running);
          }
          return;
        }
        const running: Promise<void> = call(envelope, request, started)
          .catch((error: unknown) => {
            if (started === generation) options.onError?.(error, request);
          })
          .finally(() => pending.delete(running));
        pending.add(running);
      },
    },
    inFlight: () => pending.size,
    idle: async () => {
      while (pending.size > 0) await Promise.all([...pending]);
    },
    reset: () => {
      generation += 1;
    },
  };
};
