import * as E from 'fp-ts/Either';
import type * as t from 'io-ts';
import {
  type AnyEvent,
  type CheckpointStore,
  type Clock,
  type CommandFailure,
  createCommandHandler,
  type EventStore,
  narrowStore,
  type ProcessManager,
  type RecordedEvent,
  type SagaAction,
  type Scheduler,
  sagaStreamId,
} from '@ordo/kernel';
import type { CommandDispatcher } from './command-dispatcher';

/** An input for a saga with the id it is deduplicated by. */
export interface SagaSignal<I> {
  readonly input: I;
  /** The input's message id: an event id, `timeout:${timeoutId}:${dueAt}`, `rejected:${commandId}`. */
  readonly messageId: string;
}

/** What handling one input did. */
export type SagaInputOutcome =
  /** Saga events were appended. */
  | 'handled'
  /** The same message id was handled before: nothing appended. */
  | 'duplicate'
  /** Decided, but it changed nothing (a stale timeout, a repeated answer). */
  | 'no-op'
  /** The saga rejected it (it has ended; a routing bug). */
  | 'rejected'
  /** Not an input of this saga, or it did not decode. */
  | 'ignored';

/** Options of {@link createSagaRunner}. */
export interface SagaRunnerOptions<I extends AnyEvent, Ev extends AnyEvent, S, C extends AnyEvent> {
  readonly saga: ProcessManager<I, Ev, S, C>;
  readonly store: EventStore;
  readonly dispatcher: CommandDispatcher;
  /** Holds the saga's timeouts until they fall due. */
  readonly scheduler: Scheduler<SagaSignal<I>>;
  /** Stores how far the saga's events have been dispatched. */
  readonly checkpoints: CheckpointStore;
  readonly clock: Clock;
  /** Decodes inputs that arrive from outside (bus payloads); without it inputs are trusted. */
  readonly inputCodec?: t.Type<I, unknown, unknown>;
  /**
   * Turns the rejection of a command the saga sent into an input for it (`undefined`: the saga
   * does not care). Runs inside the dispatcher's handled-once effect.
   */
  readonly rejectionInput: (
    instanceId: string,
    commandId: string,
    failure: Exclude<CommandFailure, { _tag: 'ConcurrencyConflict' }>,
    at: string,
  ) => I | undefined;
  /**
   * Delivers a rejection or a due timeout back to the saga. Defaults to handling it at once; a host
   * with a bus publishes it instead, so signals travel like every other message.
   */
  readonly deliver?: (signal: SagaSignal<I>) => Promise<void>;
  /** Checkpoint name; defaults to `${saga.name}-dispatcher`. */
  readonly checkpointName?: string;
  /** Saga events read per batch while dispatching; defaults to 256. */
  readonly batchSize?: number;
}

/** Runs one process manager: feeds it inputs, dispatches what it asks for, fires its timeouts. */
export interface SagaRunner<I> {
  /** Handles one input once (dedup by `messageId` through the saga stream's command ids). */
  handleInput(input: unknown, messageId: string): Promise<SagaInputOutcome>;
  /**
   * Performs the next action asked for by a recorded saga event (a command, a timeout to
   * schedule or cancel). Answers false once every saga event up to the end of the log is done.
   * The checkpoint moves only when all actions of an event are done, so a crash in between
   * re-dispatches them (downstream deduplicates by command id, the scheduler by timeout id).
   */
  dispatchStep(): Promise<boolean>;
  /** Dispatches until caught up; answers the number of steps taken. */
  dispatchAll(): Promise<number>;
  /**
   * Takes the timeouts due at the clock's time and delivers them; answers how many. A delivery
   * that fails puts it and the rest back in the scheduler before rethrowing.
   */
  fireDueTimeouts(): Promise<number>;
  /** True between two actions of one saga event: a crash now re-dispatches the event's actions. */
  midEvent(): boolean;
  /** Forgets everything held in memory (a crash); the next step resumes from the checkpoint. */
  reset(): void;
  /** The signal a timeout or rejection becomes. */
  readonly signalOf: (input: I, messageId: string) => SagaSignal<I>;
}

/**
 * Creates a saga runner on ports (event store, scheduler, checkpoints, dispatcher), so the same
 * runner serves the in-memory simulation and a PostgreSQL deployment.
 *
 * Inputs go through a kernel command handler whose command id is the input's message id: an
 * input that caused saga events is recognised when delivered again. Saga events are tailed from a
 * checkpoint and their actions dispatched in log order, at least once.
 */
export const createSagaRunner = <I extends AnyEvent, Ev extends AnyEvent, S, C extends AnyEvent>(
  options: SagaRunnerOptions<I, Ev, S, C>,
): SagaRunner<I> => {
  const { saga, clock } = options;
  const prefix = `${saga.name}-`;
  const checkpointName = options.checkpointName ?? `${saga.name}-dispatcher`;
  const batchSize = options.batchSize ?? 256;
  const handler = createCommandHandler<I, Ev, S>({
    decider: saga,
    store: narrowStore<Ev>(options.store),
    streamId: (input) => sagaStreamId(saga, saga.correlate(input) ?? ''),
    // Namespaced: an input's message id is another message's id, and event ids are unique store-wide.
    eventId: (messageId, index) => `${saga.name}:${messageId}:${index}`,
  });

  const handleInput = async (raw: unknown, messageId: string): Promise<SagaInputOutcome> => {
    let input: I;
    if (options.inputCodec !== undefined) {
      const decoded = options.inputCodec.decode(raw);
      if (E.isLeft(decoded)) return 'ignored';
      input = decoded.right;
    } else {
      input = raw as I;
    }
    if (saga.correlate(input) === undefined) return 'ignored';
    const result = await handler.handle(input, { commandId: messageId, occurredAt: clock.now().toISOString() });
    if (E.isLeft(result)) {
      if (result.left._tag === 'ConcurrencyConflict') throw new Error(result.left.message);
      return 'rejected';
    }
    if (result.right.duplicate) return 'duplicate';
    return result.right.events.length === 0 ? 'no-op' : 'handled';
  };

  const deliver =
    options.deliver ?? (async (signal: SagaSignal<I>) => void (await handleInput(signal.input, signal.messageId)));
  const signalOf = (input: I, messageId: string): SagaSignal<I> => ({ input, messageId });

  // In-memory progress, lost on a crash: saga events read but not fully dispatched.
  let buffer: Array<RecordedEvent<Ev>> = [];
  let actionIndex = 0;
  /** Position up to which the log has been scanned into `buffer`. */
  let scanned: bigint | undefined;
  let loaded = false;

  const perform = async (event: RecordedEvent<Ev>, action: SagaAction<C, I>): Promise<void> => {
    switch (action.kind) {
      case 'send': {
        const instanceId = event.streamId.slice(prefix.length);
        await options.dispatcher.dispatch(
          {
            command: action.command,
            commandId: action.commandId,
            occurredAt: clock.now().toISOString(),
            correlationId: event.metadata.correlationId,
            causationId: event.metadata.eventId,
          },
          {
            onRejected: async (failure) => {
              const at = clock.now().toISOString();
              const input = options.rejectionInput(instanceId, action.commandId, failure, at);
              if (input !== undefined) await deliver(signalOf(input, `rejected:${action.commandId}`));
            },
          },
        );
        return;
      }
      case 'schedule':
        await options.scheduler.schedule(
          action.timeoutId,
          signalOf(action.input, `timeout:${action.timeoutId}:${action.dueAt}`),
          new Date(action.dueAt),
        );
        return;
      case 'cancel':
        await options.scheduler.cancel(action.timeoutId);
        return;
    }
  };

  /** Refills the buffer from the log; answers false when there is nothing after the checkpoint. */
  const refill = async (): Promise<boolean> => {
    if (!loaded) {
      scanned = await options.checkpoints.load(checkpointName);
      loaded = true;
    }
    const batch = await options.store.readAll(
      scanned === undefined ? { maxCount: batchSize } : { after: scanned, maxCount: batchSize },
    );
    const last = batch[batch.length - 1];
    if (last === undefined) return false;
    buffer = batch.filter((e) => e.streamId.startsWith(prefix)) as Array<RecordedEvent<Ev>>;
    scanned = last.globalPosition;
    // A batch with no saga event moves the checkpoint past it at once.
    if (buffer.length === 0) await options.checkpoints.save(checkpointName, last.globalPosition);
    return true;
  };

  const dispatchStep = async (): Promise<boolean> => {
    if (buffer.length === 0) return refill();
    const event = buffer[0]!;
    const actions = saga.react(event.event);
    if (actionIndex < actions.length) {
      await perform(event, actions[actionIndex]!);
      actionIndex += 1;
      return true;
    }
    buffer.shift();
    actionIndex = 0;
    await options.checkpoints.save(checkpointName, buffer.length === 0 ? scanned! : event.globalPosition);
    return true;
  };

  return {
    handleInput,
    dispatchStep,
    dispatchAll: async () => {
      let steps = 0;
      while (await dispatchStep()) steps += 1;
      return steps;
    },
    fireDueTimeouts: async () => {
      const due = await options.scheduler.takeDue(clock.now());
      for (let i = 0; i < due.length; i++) {
        try {
          await deliver(due[i]!.message);
        } catch (error) {
          // Put back what was not delivered, so the next round fires it (at least once).
          for (const entry of due.slice(i)) await options.scheduler.schedule(entry.id, entry.message, entry.dueAt);
          throw error;
        }
      }
      return due.length;
    },
    midEvent: () => buffer.length > 0 && actionIndex > 0,
    reset: () => {
      buffer = [];
      actionIndex = 0;
      scanned = undefined;
      loaded = false;
    },
    signalOf,
  };
};
