import type { ExpectedVersion } from './expected-version';
import type { NewEvent, RecordedEvent } from './recorded-event';

/** Any event: an object tagged by `type`. */
export type AnyEvent = { readonly type: string };

/** Options of {@link EventStore.appendToStream}. */
export interface AppendOptions {
  /** Defaults to `'any'`. */
  readonly expectedVersion?: ExpectedVersion;
}

/** What a successful append returns. */
export interface AppendResult {
  /** The stream's version after the append: pass it as the next `expectedVersion`. */
  readonly nextExpectedVersion: bigint;
  /** Global position of the last event of this append (of the already stored ones on an idempotent retry). */
  readonly position: bigint;
}

/** Options of {@link EventStore.readStream}. */
export interface ReadStreamOptions {
  /**
   * First revision to return (inclusive). Forwards it defaults to `0n`; backwards it defaults to
   * the stream's last revision.
   */
  readonly fromVersion?: bigint;
  /** Most events to return; defaults to all. */
  readonly maxCount?: number;
  /** Defaults to `'forwards'`. */
  readonly direction?: 'forwards' | 'backwards';
  /** When set, only events of this tenant are returned. */
  readonly tenantId?: string;
}

/** Options of {@link EventStore.readAll}. */
export interface ReadAllOptions {
  /** Return events strictly after this global position; defaults to the beginning. */
  readonly after?: bigint;
  /** Most events to return; adapters may cap it. */
  readonly maxCount?: number;
  /** When set, only events of this tenant are returned. */
  readonly tenantId?: string;
}

/** A running subscription. */
export interface Subscription {
  /** Stops delivery; resolves once the handler is no longer running. */
  stop(): Promise<void>;
  /** Resolves when the subscription first reached the end of the log (it then goes live). */
  readonly caughtUp: Promise<void>;
  /** Resolves (or rejects with the handler's or the store's error) when the subscription ends. */
  readonly done: Promise<void>;
}

/** Options of {@link EventStore.subscribeToAll}. */
export interface SubscribeOptions<E extends AnyEvent = AnyEvent> {
  /** Deliver events strictly after this checkpoint; defaults to the beginning. */
  readonly after?: bigint;
  /** Called once per event, in global order; the next event waits for the returned promise. */
  readonly onEvent: (event: RecordedEvent<E>) => Promise<void> | void;
  /** Events read per batch during catch-up; defaults to an adapter-chosen size. */
  readonly batchSize?: number;
  /** When set, only events of this tenant are delivered. */
  readonly tenantId?: string;
}

/**
 * The event store port. Every adapter (in-memory, PostgreSQL, EventStoreDB) implements it and
 * passes the same conformance suite from `@ordo/kernel/testing`.
 *
 * - A conflict rejects with {@link WrongExpectedVersionError}.
 * - Every event has a unique `eventId`; appending the same ids again at the same expected version
 *   is a success that writes nothing (idempotent retry).
 * - Bad input (empty stream id, data JSON cannot carry) rejects with {@link InvalidInputError}
 *   and writes nothing.
 */
export interface EventStore<E extends AnyEvent = AnyEvent> {
  /**
   * Appends events to one stream, atomically: all of them or none.
   *
   * Idempotency rule (every adapter implements it; the conformance suite checks it). Given an
   * append of events with ids `i0..in-1` and an expected version `expected`:
   * 1. If `i0` is already stored in THIS stream at version `p`, the stream's events `p..p+n-1`
   *    carry exactly the ids `i0..in-1`, and `expected` was satisfied by the stream's state
   *    before `p` (`'any'`; `p - 1` as a bigint; `'no_stream'` when `p` is 0; `'stream_exists'`
   *    when `p` > 0), the append is a retry: it succeeds, writes nothing, and answers
   *    `nextExpectedVersion` `p + n - 1` and the position of event `p + n - 1`.
   * 2. Otherwise, if `expected` is not satisfied by the stream's current state, it rejects with
   *    {@link WrongExpectedVersionError} carrying the actual current state.
   * 3. Otherwise, if any of the ids is stored anywhere in the store, it rejects with
   *    `InvalidInputError` code `'duplicate_event_id'` (event ids are unique store-wide).
   * 4. Otherwise it writes the events at versions `current + 1...` and answers the last version
   *    and the last event's global position.
   *
   * Bad input (see `assertValidAppend`) rejects with `InvalidInputError` before anything else.
   */
  appendToStream(streamId: string, events: ReadonlyArray<NewEvent<E>>, options?: AppendOptions): Promise<AppendResult>;
  /** Events of one stream in version order (ascending forwards, descending backwards). */
  readStream(streamId: string, options?: ReadStreamOptions): Promise<ReadonlyArray<RecordedEvent<E>>>;
  /** Events of all streams in global order, none skipped. */
  readAll(options?: ReadAllOptions): Promise<ReadonlyArray<RecordedEvent<E>>>;
  /** Catch-up subscription: delivers everything after the checkpoint, then new events as they commit. */
  subscribeToAll(options: SubscribeOptions<E>): Subscription;
}

/** Re-types a store for a narrower event union (the caller vouches for the contents, or decodes). */
export const narrowStore = <E extends AnyEvent>(store: EventStore<AnyEvent>): EventStore<E> =>
  store as unknown as EventStore<E>;
