import * as E from 'fp-ts/Either';
import type * as t from 'io-ts';
import {
  type AnyEvent,
  type Clock,
  createCommandHandler,
  createLruStateCache,
  type EventStore,
  narrowStore,
  type ProcessManager,
  sagaStreamId,
} from '@ordo/kernel';

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
  readonly clock: Clock;
  /** Decodes inputs that arrive from outside (bus payloads); without it inputs are trusted. */
  readonly inputCodec?: t.Type<I, unknown, unknown>;
  /**
   * Saga streams whose state is kept between inputs (an LRU cache); without it every input folds
   * its saga's whole stream first. A cached state another process moved on is caught by the
   * append's expected version and read again.
   */
  readonly cacheSize?: number;
}

/**
 * Feeds one process manager its inputs. What its events ask for (commands, timeouts) leaves
 * through the outbox with the events themselves (`commerceOutboxMapping`), so the runner only
 * decides and appends.
 */
export interface SagaRunner<I> {
  /** Handles one input once (dedup by `messageId` through the saga stream's command ids). */
  handleInput(input: unknown, messageId: string): Promise<SagaInputOutcome>;
  /** The signal a timeout or rejection becomes. */
  readonly signalOf: (input: I, messageId: string) => SagaSignal<I>;
}

/**
 * Creates a saga runner on the event store port. Inputs go through a kernel command handler whose
 * command id is the input's message id: an input that caused saga events is recognised when
 * delivered again (and the handler retries concurrency conflicts on the saga stream). A conflict
 * that outlives the retries throws, so the transport delivers the input again.
 */
export const createSagaRunner = <I extends AnyEvent, Ev extends AnyEvent, S, C extends AnyEvent>(
  options: SagaRunnerOptions<I, Ev, S, C>,
): SagaRunner<I> => {
  const { saga, clock } = options;
  const handler = createCommandHandler<I, Ev, S>({
    decider: saga,
    store: narrowStore<Ev>(options.store),
    streamId: (input) => sagaStreamId(saga, saga.correlate(input) ?? ''),
    // Namespaced: an input's message id is another message's id, and event ids are unique store-wide.
    eventId: (messageId, index) => `${saga.name}:${messageId}:${index}`,
    ...(options.cacheSize === undefined ? {} : { cache: createLruStateCache<S>(options.cacheSize) }),
  });
  return {
    handleInput: async (raw, messageId) => {
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
    },
    signalOf: (input, messageId) => ({ input, messageId }),
  };
};
