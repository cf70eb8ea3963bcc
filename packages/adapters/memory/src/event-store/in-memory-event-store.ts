import {
  type AnyEvent,
  type AppendOptions,
  type AppendResult,
  type EventStore,
  invalidOptionError,
  messagesByRouting,
  type NewEvent,
  type OutboxMapping,
  type OutboxRouting,
  type ProjectionHandler,
  type RecordedEvent,
  routeByCategory,
} from '@ordo/kernel';
import { projectionHandles } from '@ordo/kernel/adapter-kit';
import type { InMemoryOutbox } from '../outbox';
import { createAppendPreparer } from './append-preparer';
import { type StagedAppend, createAppendStager } from './append-stager';
import { createEventLog } from './event-log';
import { createEventLogReader } from './event-log-reader';
import { type InlineProjectionEntry, isInlineProjection } from './inline-projection-hook';
import { createLogSubscriptions } from './log-subscriptions';
import { toBigint } from './to-bigint';

/** Options of {@link createInMemoryEventStore}. */
export interface InMemoryEventStoreOptions<E extends AnyEvent = AnyEvent> {
  /** Largest serialised event (data + metadata) in bytes; defaults to the kernel's 8 MiB. */
  readonly maxEventBytes?: number;
  /** When set, every append also adds its routed events to this outbox, in the same step. */
  readonly outbox?: InMemoryOutbox;
  /** Which events leave through the outbox, and where; defaults to `routeByCategory`. */
  readonly outboxRouting?: OutboxRouting<E>;
  /**
   * The messages each appended event sends, when one event may send several (or none); replaces
   * `outboxRouting`, and giving both throws `invalid_options`. Ids must be unique across the
   * outbox: a repeated id fails the whole append.
   */
  readonly outboxMessages?: OutboxMapping<E>;
  /**
   * Projections applied inside the append. Pure ones (`createInlineProjection`) are
   * all-or-nothing with the append: if one throws, neither events nor models change. Handlers run
   * after the pure ones, one after the other; if one throws the append is undone, but the effects
   * of handlers that already ran stay (memory has no transaction to roll them back), so prefer
   * pure projections or idempotent handlers. With handlers, appends are serialised.
   */
  readonly inlineProjections?: ReadonlyArray<InlineProjectionEntry<E>>;
}

/** The in-memory {@link EventStore}, with a few helpers for tests. */
export interface InMemoryEventStore<E extends AnyEvent = AnyEvent> extends EventStore<E> {
  /** Ids of every stream, in order of creation. */
  streamIds(): ReadonlyArray<string>;
  /** Every event in global order (the stored, frozen objects). */
  allEvents(): ReadonlyArray<RecordedEvent<E>>;
  /** Global position of the last event; `0n` while the store is empty. */
  lastPosition(): bigint;
}

/**
 * Creates an in-memory event store. It passes the kernel's conformance suite and is meant for
 * tests, simulations and single-process tools.
 *
 * - Global positions start at `1n` and have no gaps, so `after: 0n` means "from the start".
 * - Appends are atomic: validation, the expected-version check, inline projections and outbox rows
 *   happen before anything becomes visible; a failure anywhere leaves the store as it was.
 * - Stored events are deep-copied and frozen on append; reads return those frozen objects (cheap,
 *   and a caller mutating a read event gets a TypeError instead of corrupting the store).
 * - Event ids are unique store-wide; the idempotency rule of `EventStore.appendToStream` applies.
 *
 * An append goes through three steps: prepare (validate, check the expected version, build the
 * frozen records, or answer an idempotent retry), stage (pure inline projections and outbox
 * rows, which may still throw) and commit (make it all visible, wake the subscriptions).
 */
export const createInMemoryEventStore = <E extends AnyEvent = AnyEvent>(
  options: InMemoryEventStoreOptions<E> = {},
): InMemoryEventStore<E> => {
  const limits = options.maxEventBytes === undefined ? {} : { maxEventBytes: options.maxEventBytes };
  const outbox = options.outbox;
  if (options.outboxRouting !== undefined && options.outboxMessages !== undefined) {
    throw invalidOptionError('outboxMessages', 'absent when outboxRouting is given (one or the other)', 'both');
  }
  const mapping: OutboxMapping<E> =
    options.outboxMessages ?? messagesByRouting((options.outboxRouting ?? routeByCategory) as OutboxRouting<E>);
  const pure = (options.inlineProjections ?? []).filter(isInlineProjection);
  const handlers = (options.inlineProjections ?? []).filter(
    (p): p is ProjectionHandler<E, void> => !isInlineProjection(p),
  );

  const eventLog = createEventLog<E>();
  const { log, streams, byId, byTenant } = eventLog;
  const reader = createEventLogReader(eventLog);
  const subscriptions = createLogSubscriptions(log, reader.readAll);
  const prepare = createAppendPreparer(eventLog, limits);
  const stage = createAppendStager(pure, outbox, mapping);

  /** Makes a prepared append visible. The outbox goes first: it is the only step that can refuse. */
  const commit = (
    streamId: string,
    records: ReadonlyArray<RecordedEvent<E>>,
    idHashes: ReadonlyArray<number>,
    staged: StagedAppend | undefined,
  ): AppendResult => {
    if (staged !== undefined && staged.messages.length > 0) outbox!.add(staged.messages);
    let stream = streams.get(streamId);
    if (stream === undefined) {
      stream = [];
      streams.set(streamId, stream);
    }
    for (let i = 0; i < records.length; i++) {
      const record = records[i]!;
      byId.add(idHashes[i]!, log.length);
      log.push(record);
      stream.push(record);
      const tenant = record.metadata.tenantId;
      if (tenant !== undefined) {
        const list = byTenant.get(tenant);
        if (list === undefined) byTenant.set(tenant, [record]);
        else list.push(record);
      }
    }
    if (staged !== undefined) for (const commitProjection of staged.projected) commitProjection();
    subscriptions.wakeWaiters();
    const last = records[records.length - 1]!;
    return { nextExpectedVersion: last.streamVersion, position: last.globalPosition };
  };

  const appendNow = (
    streamId: string,
    events: ReadonlyArray<NewEvent<E>>,
    options: AppendOptions | undefined,
  ): AppendResult => {
    const idHashes: number[] = [];
    const records = prepare(streamId, events, options, idHashes);
    return Array.isArray(records) ? commit(streamId, records, idHashes, stage(records)) : records;
  };

  /** With effectful inline handlers an append spans awaits, so appends queue behind each other. */
  let queue: Promise<unknown> = Promise.resolve();
  const appendWithHandlers = (
    streamId: string,
    events: ReadonlyArray<NewEvent<E>>,
    options: AppendOptions | undefined,
  ): Promise<AppendResult> => {
    const run = queue.then(async () => {
      const idHashes: number[] = [];
      const records = prepare(streamId, events, options, idHashes);
      if (!Array.isArray(records)) return records;
      const staged = stage(records);
      for (const handler of handlers) {
        const mine = records.filter((r) => projectionHandles(handler, r.event.type));
        if (mine.length > 0) await handler.handle(mine, undefined);
      }
      return commit(streamId, records, idHashes, staged);
    });
    queue = run.catch(() => undefined);
    return run;
  };

  return {
    appendToStream:
      handlers.length === 0
        ? async (streamId, events, appendOptions) => appendNow(streamId, events, appendOptions)
        : appendWithHandlers,
    readStream: async (streamId, readOptions) => reader.readStream(streamId, readOptions),
    readAll: async (readOptions) => reader.readAll(readOptions),
    subscribeToAll: subscriptions.subscribeToAll,
    streamIds: () => [...streams.keys()],
    allEvents: () => [...log],
    lastPosition: () => toBigint(log.length),
  };
};
