import type { AnyEvent, Clock, CommandFailure, IncomingMessage } from '@ordo/kernel';
import { COMMAND_ID_HEADER } from '../messaging/topics';
import type { CommandDispatcher, CommandEnvelope } from './command-dispatcher';

/** Options of {@link createCommandConsumer}. */
export interface CommandConsumerOptions {
  readonly dispatcher: CommandDispatcher;
  readonly clock: Clock;
  /** The saga whose commands these are: its streams are `${sagaName}-${instanceId}`. */
  readonly sagaName: string;
  /**
   * Tells the saga that one of its commands was refused (publishes the signal). Runs inside the
   * dispatcher's handled-once effect, so a redelivered command reports nothing again.
   */
  readonly onSagaCommandRejected: (
    instanceId: string,
    commandId: string,
    failure: Exclude<CommandFailure, { _tag: 'ConcurrencyConflict' }>,
  ) => Promise<void>;
}

/** Handles one command message: the bus or Kafka handler of a domain's command topic. */
export type CommandConsumer = (message: IncomingMessage) => Promise<void>;

/**
 * The consumer of a command topic: rebuilds the envelope from the message (the command id from
 * the `ordo-command-id` header, correlation from the saga event that sent it) and dispatches it,
 * each command id once. A refused saga command goes back to its saga as a signal. A command whose
 * stream kept conflicting throws (`DispatchConflictError`): the transport redelivers it.
 */
export const createCommandConsumer = (options: CommandConsumerOptions): CommandConsumer => {
  const sagaPrefix = `${options.sagaName}-`;
  return async (message) => {
    const h = message.headers;
    const commandId = h[COMMAND_ID_HEADER] ?? message.id;
    const source = h['ordo-stream-id'];
    const correlationId = h['ordo-correlation-id'];
    const causationId = h['ordo-event-id'];
    const payload = message.payload as { readonly type?: unknown } | null;
    // A payload without a type still reaches the dispatcher, which rejects it as `unknown_command`.
    const command: AnyEvent =
      typeof payload === 'object' && payload !== null && typeof payload.type === 'string'
        ? (payload as AnyEvent)
        : { type: `<untyped ${message.type}>` };
    const envelope: CommandEnvelope = {
      command,
      commandId,
      occurredAt: options.clock.now().toISOString(),
      ...(correlationId === undefined ? {} : { correlationId }),
      ...(causationId === undefined ? {} : { causationId }),
    };
    const instanceId = source?.startsWith(sagaPrefix) === true ? source.slice(sagaPrefix.length) : undefined;
    await options.dispatcher.dispatch(
      envelope,
      instanceId === undefined
        ? {}
        : { onRejected: (failure) => options.onSagaCommandRejected(instanceId, commandId, failure) },
    );
  };
};
