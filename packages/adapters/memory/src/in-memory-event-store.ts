import {
  type AnyEvent,
  type AppendOptions,
  type AppendResult,
  type EventStore,
  type ExpectedVersion,
  type NewEvent,
  type OutboxMessage,
  type OutboxRouting,
  type ProjectionHandler,
  type ReadAllOptions,
  type ReadStreamOptions,
  type RecordedEvent,
  type SubscribeOptions,
  type Subscription,
  InvalidInputError,
  WrongExpectedVersionError,
  assertValidStreamId,
  catchUpSubscription,
  frozenValidAppend,
  projectionHandles,
  routeByCategory,
  satisfiesExpectedVersion,
  toOutboxMessage,
} from '@ordo/kernel';
import { type InlineProjectionEntry, isInlineProjection } from './inline-projection';
import { toBigint } from './small-bigint';
import { createStringIndex } from './string-index';
import type { InMemoryOutbox } from './in-memory-outbox';

/** Options of {@link createInMemoryEventStore}. */
export interface InMemoryEventStoreOptions<E extends AnyEvent = AnyEvent> {
  /** Largest serialised event (data + metadata) in bytes; defaults to the kernel's 8 MiB. */
  readonly maxEventBytes?: number;
  /** When set, every append also adds its routed events to this outbox, in the same step. */
  readonly outbox?: InMemoryOutbox;
  /** Which events leave through the outbox, and where; defaults to `routeByCategory`. */
  readonly outboxRouting?: OutboxRouting<E>;
  /**
   * Projections applied inside the append. Pure ones ({@link createInlineProjection}) are
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

/** What an append adds besides its events: commits of pure inline projections, outbox rows. */
interface Staged {
  /** Commits of the pure inline projections, run when the append commits. */
  readonly projected: ReadonlyArray<() => void>;
  readonly messages: ReadonlyArray<OutboxMessage>;
}

/** A catch-up subscription yields to the event loop once every this many reads. */
const YIELD_EVERY_READS = 16;

const yieldToEventLoop = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));

/** A shared empty list. */
const NONE: ReadonlyArray<never> = Object.freeze([]);

const invalidRead = (path: string, expected: string, actual: unknown): never => {
  throw new InvalidInputError('invalid_read_options', `${path} must be ${expected}`, [{ path, expected, actual }]);
};

const assertMaxCount = (maxCount: unknown): void => {
  if (maxCount !== undefined && (typeof maxCount !== 'number' || !Number.isInteger(maxCount) || maxCount < 0)) {
    invalidRead('maxCount', 'an integer >= 0', maxCount);
  }
};

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
 */
export const createInMemoryEventStore = <E extends AnyEvent = AnyEvent>(
  options: InMemoryEventStoreOptions<E> = {},
): InMemoryEventStore<E> => {
  const limits = options.maxEventBytes === undefined ? {} : { maxEventBytes: options.maxEventBytes };
  const outbox = options.outbox;
  const routing = (options.outboxRouting ?? routeByCategory) as OutboxRouting<E>;
  const pure = (options.inlineProjections ?? []).filter(isInlineProjection);
  const handlers = (options.inlineProjections ?? []).filter(
    (p): p is ProjectionHandler<E, void> => !isInlineProjection(p),
  );

  /** The global log; the event at index i has position i + 1. */
  const log: RecordedEvent<E>[] = [];
  const streams = new Map<string, RecordedEvent<E>[]>();
  /** Event id -> index in `log`. */
  const byId = createStringIndex((index) => log[index]!.metadata.eventId);
  const byTenant = new Map<string, RecordedEvent<E>[]>();
  let wakers: Array<() => void> = [];

  /**
   * Checks an append and builds its records (frozen copies; nothing is visible until commit), or
   * answers the stored result of an idempotent retry. Fills `idHashes` with the hash of each event
   * id, for the index: the validation hashes every id anyway (to find repeats in the batch).
   */
  const prepare = (
    streamId: string,
    events: ReadonlyArray<NewEvent<E>>,
    options: AppendOptions | undefined,
    idHashes: number[],
  ): RecordedEvent<E>[] | AppendResult => {
    const expectedVersion = options?.expectedVersion;
    // Validated, deep-frozen copies: from here on, only they are read (not the caller's objects).
    const copies = frozenValidAppend(streamId, events, expectedVersion, limits, idHashes);
    const expected: ExpectedVersion = expectedVersion ?? 'any';
    const stream = streams.get(streamId);
    const n = copies.length;
    const firstIndex = byId.get(copies[0]!.metadata.eventId, idHashes[0]!);
    const first = firstIndex < 0 ? undefined : log[firstIndex]!;
    // (a) a retry: the first id sits in this stream at p, followed by exactly the other ids, and
    // `expected` held for the state before p. Answer what the original append answered.
    if (first !== undefined && first.streamId === streamId && stream !== undefined) {
      const p = Number(first.streamVersion);
      let same = p + n <= stream.length;
      for (let i = 1; same && i < n; i++) same = stream[p + i]!.metadata.eventId === copies[i]!.metadata.eventId;
      if (same && satisfiesExpectedVersion(expected, p === 0 ? 'no_stream' : toBigint(p - 1))) {
        const last = stream[p + n - 1]!;
        return { nextExpectedVersion: last.streamVersion, position: last.globalPosition };
      }
    }
    // (b) the expected version against the current state.
    if (expected !== 'any') {
      // The version as a shared small bigint: no allocation, no read of the last record.
      const actual = stream === undefined ? 'no_stream' : toBigint(stream.length - 1);
      if (!satisfiesExpectedVersion(expected, actual)) throw new WrongExpectedVersionError(streamId, expected, actual);
    }
    // (c) event ids are unique store-wide.
    for (let i = 0; i < n; i++) {
      const id = copies[i]!.metadata.eventId;
      if (i === 0 ? first !== undefined : byId.get(id, idHashes[i]!) >= 0) {
        throw new InvalidInputError('duplicate_event_id', `event id '${id}' is already stored`, [
          { path: `events.${i}.metadata.eventId`, expected: 'an event id not yet stored', actual: id },
        ]);
      }
    }
    // (d) build the records.
    const base = stream === undefined ? 0 : stream.length;
    const position = log.length + 1;
    const records = new Array<RecordedEvent<E>>(n);
    for (let i = 0; i < n; i++) {
      const { event, metadata } = copies[i]!;
      records[i] = Object.freeze({
        streamId,
        streamVersion: toBigint(base + i),
        globalPosition: toBigint(position + i),
        event,
        metadata,
      });
    }
    return records;
  };

  /**
   * Runs what must succeed with the append but may throw (pure projections, outbox routing)
   * without committing anything; `undefined` when there is nothing besides the events.
   */
  const stage = (records: ReadonlyArray<RecordedEvent<E>>): Staged | undefined => {
    if (pure.length === 0 && outbox === undefined) return undefined;
    const projected = pure.length === 0 ? NONE : pure.map((p) => p.prepare(records));
    let messages: OutboxMessage[] | undefined;
    if (outbox !== undefined) {
      for (const record of records) {
        const route = routing(record);
        if (route !== undefined) (messages ??= []).push(toOutboxMessage(record, route));
      }
    }
    return { projected, messages: messages ?? NONE };
  };

  /** Makes a prepared append visible. The outbox goes first: it is the only step that can refuse. */
  const commit = (
    streamId: string,
    records: ReadonlyArray<RecordedEvent<E>>,
    idHashes: ReadonlyArray<number>,
    staged: Staged | undefined,
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
    if (wakers.length > 0) {
      const woken = wakers;
      wakers = [];
      for (const wake of woken) wake();
    }
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

  const readAllNow = (readOptions: ReadAllOptions = {}): RecordedEvent<E>[] => {
    const { after, maxCount, tenantId } = readOptions;
    if (after !== undefined && typeof after !== 'bigint') invalidRead('after', 'a bigint', after);
    assertMaxCount(maxCount);
    const from = after === undefined || after < 0n ? 0 : after >= BigInt(log.length) ? log.length : Number(after);
    const limit = maxCount ?? Number.MAX_SAFE_INTEGER;
    if (tenantId === undefined) return log.slice(from, from + limit);
    const list = byTenant.get(tenantId);
    if (list === undefined) return [];
    // Binary search for the first event of the tenant strictly after `after`.
    let lo = 0;
    let hi = list.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (Number(list[mid]!.globalPosition) <= from) lo = mid + 1;
      else hi = mid;
    }
    return list.slice(lo, lo + limit);
  };

  const readStreamNow = (streamId: string, readOptions: ReadStreamOptions = {}): RecordedEvent<E>[] => {
    assertValidStreamId(streamId);
    const { fromVersion, maxCount, direction = 'forwards', tenantId } = readOptions;
    if (fromVersion !== undefined && (typeof fromVersion !== 'bigint' || fromVersion < 0n)) {
      invalidRead('fromVersion', 'a bigint >= 0n', fromVersion);
    }
    if (direction !== 'forwards' && direction !== 'backwards') {
      invalidRead('direction', "'forwards' or 'backwards'", direction);
    }
    assertMaxCount(maxCount);
    const stream = streams.get(streamId);
    if (stream === undefined) return [];
    const limit = maxCount ?? Number.MAX_SAFE_INTEGER;
    const out: RecordedEvent<E>[] = [];
    if (direction === 'forwards') {
      const start =
        fromVersion === undefined ? 0 : fromVersion >= BigInt(stream.length) ? stream.length : Number(fromVersion);
      if (tenantId === undefined) return stream.slice(start, start + limit);
      for (let i = start; i < stream.length && out.length < limit; i++) {
        if (stream[i]!.metadata.tenantId === tenantId) out.push(stream[i]!);
      }
      return out;
    }
    const last = stream.length - 1;
    const start = fromVersion === undefined || fromVersion >= BigInt(last) ? last : Number(fromVersion);
    for (let i = start; i >= 0 && out.length < limit; i--) {
      if (tenantId === undefined || stream[i]!.metadata.tenantId === tenantId) out.push(stream[i]!);
    }
    return out;
  };

  const subscribeToAll = (subscribeOptions: SubscribeOptions<E>): Subscription => {
    // The log length at this subscription's last read: an append between that read and the
    // wait must not be missed, so the wait returns at once when the log has grown since.
    let seen = 0;
    let reads = 0;
    return catchUpSubscription<E>(
      {
        readAll: async (readOptions) => {
          // Memory reads never wait for I/O: a long catch-up yields to the event loop now and
          // then so that timers and sockets of the process keep running.
          if (++reads % YIELD_EVERY_READS === 0) await yieldToEventLoop();
          seen = log.length;
          return readAllNow(readOptions);
        },
        waitForAppend: (signal) =>
          new Promise<void>((resolve) => {
            if (log.length > seen || signal.aborted) return resolve();
            const wake = () => {
              signal.removeEventListener('abort', abort);
              resolve();
            };
            const abort = () => {
              wakers = wakers.filter((w) => w !== wake);
              resolve();
            };
            wakers.push(wake);
            signal.addEventListener('abort', abort, { once: true });
          }),
      },
      subscribeOptions,
    );
  };

  return {
    appendToStream:
      handlers.length === 0
        ? async (streamId, events, appendOptions) => appendNow(streamId, events, appendOptions)
        : appendWithHandlers,
    readStream: async (streamId, readOptions) => readStreamNow(streamId, readOptions),
    readAll: async (readOptions) => readAllNow(readOptions),
    subscribeToAll,
    streamIds: () => [...streams.keys()],
    allEvents: () => [...log],
    lastPosition: () => toBigint(log.length),
  };
};
