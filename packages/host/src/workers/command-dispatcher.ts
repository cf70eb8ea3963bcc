import * as E from 'fp-ts/Either';
import {
  type AnyEvent,
  type CommandContext,
  type CommandFailure,
  type UntrustedCommandHandler,
  domainError,
  type Inbox,
} from '@ordo/kernel';

/** A command on its way to a handler, with the id that makes it idempotent. */
export interface CommandEnvelope<C extends AnyEvent = AnyEvent> {
  /** A command: any object tagged by `type` (the route decodes it). */
  readonly command: C;
  /** Unique per intent: the dispatcher handles a command id once (the saga derives it from the order). */
  readonly commandId: string;
  /** ISO-8601 time the command is handled at (the host's clock). */
  readonly occurredAt: string;
  readonly correlationId?: string;
  readonly causationId?: string;
}

/** Where one command type goes: a decider's command handler, or an effectful service. */
export type CommandRoute =
  | { readonly kind: 'handler'; readonly handler: UntrustedCommandHandler<unknown, AnyEvent, unknown> }
  | { readonly kind: 'service'; readonly run: (envelope: CommandEnvelope) => Promise<void> };

/** What dispatching one command did. */
export type DispatchOutcome =
  /** Handled: `events` were appended (none for an accepted no-op). */
  | { readonly kind: 'accepted'; readonly streamId: string; readonly events: ReadonlyArray<AnyEvent> }
  /** Handed to a service, which answers later with commands of its own. */
  | { readonly kind: 'forwarded' }
  /** The command id was handled before: nothing happened this time. */
  | { readonly kind: 'duplicate' }
  /** A rule refused it, or it did not decode. */
  | { readonly kind: 'rejected'; readonly failure: Exclude<CommandFailure, { _tag: 'ConcurrencyConflict' }> };

/** Options of one dispatch. */
export interface DispatchOptions {
  /**
   * Runs inside the handled-once effect when the command is rejected, so the rejection is
   * reported exactly when the command is handled (a redelivered command reports nothing again).
   */
  readonly onRejected?: (failure: Exclude<CommandFailure, { _tag: 'ConcurrencyConflict' }>) => Promise<void>;
}

/** Routes commands by type to the right handler, each command id once. */
export interface CommandDispatcher {
  dispatch(envelope: CommandEnvelope, options?: DispatchOptions): Promise<DispatchOutcome>;
}

/** Thrown when a command's stream kept changing under every retry: transient, dispatch again later. */
export class DispatchConflictError extends Error {
  constructor(
    readonly commandId: string,
    message: string,
  ) {
    super(message);
    this.name = 'DispatchConflictError';
  }
}

/** Options of {@link createCommandDispatcher}. */
export interface CommandDispatcherOptions {
  /** Route per command type. */
  readonly routes: Readonly<Record<string, CommandRoute>>;
  /** Records handled command ids together with their effect. */
  readonly inbox: Inbox<unknown>;
  /** Inbox consumer name; defaults to `command-dispatcher`. */
  readonly consumer?: string;
  /** Observes every outcome (metrics, the simulation's rejection audit). */
  readonly observe?: (envelope: CommandEnvelope, outcome: DispatchOutcome) => void;
}

/**
 * The command dispatcher: routes a command by `type` to its domain's command handler (or a
 * service), and handles each command id once through the inbox port, rejections included, so a
 * command redelivered after its stock was freed elsewhere cannot succeed late. A command type
 * without a route is rejected with `unknown_command`. A conflict that outlived the handler's
 * retries throws {@link DispatchConflictError} and records nothing: dispatch it again.
 *
 * No inbox transaction is held while the handler runs: the dispatcher asks the inbox whether the
 * id was handled, runs the handler (whose append deduplicates by command id in the stream), tells
 * `onRejected` of a refusal, and only then records the id. Holding the inbox's transaction (one
 * pooled connection) while the append waited for another from the same pool deadlocked a busy
 * PostgreSQL host once every connection was such a transaction. The price is a narrow window: a
 * crash after a refusal was reported and before it was recorded lets a redelivery decide again;
 * if the command then succeeds late, the saga (told of the refusal already) undoes it as a late
 * answer. Two deliveries of one command at once both run: the append lands once, a rejection may
 * be reported twice under one message id, which the saga drops.
 */
export const createCommandDispatcher = (options: CommandDispatcherOptions): CommandDispatcher => {
  const consumer = options.consumer ?? 'command-dispatcher';
  const run = async (envelope: CommandEnvelope, dispatchOptions: DispatchOptions): Promise<DispatchOutcome> => {
    const route = options.routes[envelope.command.type];
    const reject = async (failure: Exclude<CommandFailure, { _tag: 'ConcurrencyConflict' }>) => {
      await dispatchOptions.onRejected?.(failure);
      return { kind: 'rejected', failure } as const;
    };
    if (route === undefined) {
      return reject(domainError('unknown_command', `no handler for command type '${envelope.command.type}'`));
    }
    if (route.kind === 'service') {
      await route.run(envelope);
      return { kind: 'forwarded' };
    }
    const context: CommandContext = {
      commandId: envelope.commandId,
      occurredAt: envelope.occurredAt,
      ...(envelope.correlationId === undefined ? {} : { correlationId: envelope.correlationId }),
      ...(envelope.causationId === undefined ? {} : { causationId: envelope.causationId }),
    };
    const result = await route.handler.handleUntrusted(envelope.command, context);
    if (E.isRight(result)) return { kind: 'accepted', streamId: result.right.streamId, events: result.right.events };
    const failure = result.left;
    if (failure._tag === 'ConcurrencyConflict') throw new DispatchConflictError(envelope.commandId, failure.message);
    return reject(failure);
  };
  return {
    dispatch: async (envelope, dispatchOptions = {}) => {
      if (await options.inbox.has(consumer, envelope.commandId)) {
        const duplicate: DispatchOutcome = { kind: 'duplicate' };
        options.observe?.(envelope, duplicate);
        return duplicate;
      }
      const outcome = await run(envelope, dispatchOptions);
      // Recorded once its effect (and the report of a refusal) is done; nothing runs inside.
      await options.inbox.handleOnce(consumer, envelope.commandId, async () => undefined);
      options.observe?.(envelope, outcome);
      return outcome;
    },
  };
};
