import {
  END,
  NO_STREAM,
  START,
  StreamNotFoundError,
  WrongExpectedVersionError,
  type AllStreamResolvedEvent,
  type AppendExpectedRevision,
  type AppendResult,
  type AppendToStreamOptions,
  type EventData,
  type GetStreamMetadataResult,
  type Position,
  type ReadAllOptions,
  type ReadStreamOptions,
  type ResolvedEvent,
  type StreamMetadata,
  type SubscribeToAllOptions,
} from '@eventstore/db-client';
import type { ClientRead, ClientSubscription, EventStoreDbClientPort } from '../client/client-port';
import { isUuid } from '../event-store/event-id';
import { comparePositions } from '../event-store/position-mapping';

/**
 * An in-process stand-in for the EventStoreDB client, for tests that need no server. It keeps
 * what the adapter relies on: revisions from 0, expected-revision checks answered with the
 * client's `WrongExpectedVersionError` (real current revision), `StreamNotFoundError` on reading
 * an absent stream, a `$all` log with growing `{ commit, prepare }` positions (equal for every
 * event; an append result's prepare is its first event's, as the server answers), inclusive
 * reads from a position, system events in `$all`, `$maxCount`, and live subscriptions filtered by
 * stream prefix or regex. It does NOT model the server's own idempotency window, clustering, or
 * positions missing on old servers. Failures can be injected per call.
 */

interface StoredRecord {
  readonly streamName: string;
  readonly revision: bigint;
  readonly id: string;
  readonly type: string;
  readonly data: unknown;
  readonly metadata: unknown;
  readonly position: Position;
}

type Operation = 'appendToStream' | 'readStream' | 'readAll' | 'subscribeToAll';

const copy = (value: unknown): unknown => (value === undefined ? undefined : JSON.parse(JSON.stringify(value)));

const toResolved = (r: StoredRecord): AllStreamResolvedEvent =>
  ({
    event: {
      streamId: r.streamName,
      id: r.id,
      revision: r.revision,
      type: r.type,
      data: copy(r.data),
      metadata: copy(r.metadata),
      isJson: true,
      created: new Date(0),
      position: { ...r.position },
    },
    commitPosition: r.position.commit,
  }) as unknown as AllStreamResolvedEvent;

const asRead = <T>(items: () => Iterable<T>, failure: unknown): ClientRead<T> => {
  const generator = async function* (): AsyncGenerator<T> {
    await Promise.resolve();
    if (failure !== undefined) throw failure;
    for (const item of items()) yield item;
  };
  return Object.assign(generator(), { cancel: async () => undefined });
};

class FakeSubscription implements ClientSubscription {
  private readonly queue: AllStreamResolvedEvent[] = [];
  private wake: (() => void) | undefined;
  private ended = false;
  private failure: unknown;
  private readonly confirmations: Array<() => void> = [];

  constructor(
    readonly matches: (streamName: string) => boolean,
    private readonly onClose: (s: FakeSubscription) => void,
  ) {
    setImmediate(() => {
      if (!this.ended) for (const listener of this.confirmations) listener();
    });
  }

  on(event: 'confirmation', listener: () => void): this {
    if (event === 'confirmation') this.confirmations.push(listener);
    return this;
  }

  push(event: AllStreamResolvedEvent): void {
    this.queue.push(event);
    this.wake?.();
  }

  drop(error: unknown): void {
    this.failure = error;
    this.ended = true;
    this.onClose(this);
    this.wake?.();
  }

  async unsubscribe(): Promise<void> {
    this.ended = true;
    this.onClose(this);
    this.wake?.();
  }

  async *[Symbol.asyncIterator](): AsyncIterator<AllStreamResolvedEvent> {
    for (;;) {
      const next = this.queue.shift();
      if (next !== undefined) {
        yield next;
        continue;
      }
      if (this.failure !== undefined) throw this.failure;
      if (this.ended) return;
      await new Promise<void>((resolve) => (this.wake = resolve));
      this.wake = undefined;
    }
  }
}

/** See the module comment. */
export class FakeEventStoreDbClient implements EventStoreDbClientPort {
  private readonly log: StoredRecord[] = [];
  private readonly streams = new Map<string, StoredRecord[]>();
  private readonly metadata = new Map<string, StreamMetadata>();
  private readonly subscriptions = new Set<FakeSubscription>();
  private readonly failures = new Map<Operation, unknown[]>();
  private nextPosition = 1_000n;
  /** Calls per operation, for assertions. */
  readonly calls: Record<Operation, number> = { appendToStream: 0, readStream: 0, readAll: 0, subscribeToAll: 0 };
  /** `fromPosition` of every `readAll`, for assertions. */
  readonly readAllFrom: Array<Position | 'start' | 'end'> = [];
  /** When set, `appendToStream` answers without a position (as servers do for a recognised retry). */
  omitAppendPosition = false;
  /** Runs before each append is applied (to simulate a concurrent writer). */
  beforeAppend: ((streamName: string) => void) | undefined;

  /** The next call of `operation` fails with `error` (queued: several calls, several errors). */
  failNext(operation: Operation, error: unknown): void {
    const queue = this.failures.get(operation) ?? [];
    queue.push(error);
    this.failures.set(operation, queue);
  }

  /** Drops every live subscription with `error`, as a lost connection does. */
  dropSubscriptions(error: unknown): void {
    for (const s of [...this.subscriptions]) s.drop(error);
  }

  /** Number of open live subscriptions. */
  get openSubscriptions(): number {
    return this.subscriptions.size;
  }

  /** Appends an event the way some other program (not Ordo) would. */
  appendRaw(streamName: string, type: string, data: unknown, metadata?: unknown): void {
    const id = '00000000-0000-4000-8000-' + String(this.log.length).padStart(12, '0');
    this.write(streamName, [{ id, type, data, metadata }]);
  }

  private takeFailure(operation: Operation): unknown {
    this.calls[operation]++;
    return this.failures.get(operation)?.shift();
  }

  private current(streamName: string): bigint | typeof NO_STREAM {
    const records = this.streams.get(streamName);
    const last = records?.[records.length - 1];
    return last === undefined ? NO_STREAM : last.revision;
  }

  private write(
    streamName: string,
    events: ReadonlyArray<{ id: string; type: string; data: unknown; metadata: unknown }>,
  ): { first: Position; last: Position; revision: bigint } {
    const records = this.streams.get(streamName) ?? [];
    this.streams.set(streamName, records);
    let revision = records[records.length - 1]?.revision ?? -1n;
    const written: StoredRecord[] = [];
    for (const e of events) {
      revision++;
      // Positions are log offsets: they grow by the record's size, never by one.
      const position = { commit: this.nextPosition, prepare: this.nextPosition };
      this.nextPosition += 97n + BigInt(JSON.stringify(e.data ?? null).length);
      const record: StoredRecord = {
        streamName,
        revision,
        id: e.id,
        type: e.type,
        data: copy(e.data),
        metadata: copy(e.metadata),
        position,
      };
      records.push(record);
      this.log.push(record);
      written.push(record);
    }
    for (const record of written) {
      for (const s of this.subscriptions) if (s.matches(record.streamName)) s.push(toResolved(record));
    }
    const first = written[0];
    const last = written[written.length - 1];
    if (first === undefined || last === undefined) throw new Error('empty write');
    return { first: first.position, last: last.position, revision };
  }

  private visible(streamName: string): StoredRecord[] {
    const records = this.streams.get(streamName) ?? [];
    const maxCount = this.metadata.get(streamName)?.maxCount;
    return maxCount === undefined ? records : records.slice(Math.max(0, records.length - maxCount));
  }

  async appendToStream(
    streamName: string,
    events: EventData[],
    options: AppendToStreamOptions = {},
  ): Promise<AppendResult> {
    await Promise.resolve();
    const failure = this.takeFailure('appendToStream');
    if (failure !== undefined) throw failure;
    this.beforeAppend?.(streamName);
    const expected: AppendExpectedRevision = options.expectedRevision ?? 'any';
    const current = this.current(streamName);
    const ok =
      expected === 'any' ||
      (expected === 'no_stream' && current === NO_STREAM) ||
      (expected === 'stream_exists' && current !== NO_STREAM) ||
      expected === current;
    if (!ok) throw new WrongExpectedVersionError(undefined, { streamName, expected, current });
    for (const e of events) if (!isUuid(e.id)) throw new Error(`invalid UUID '${e.id}'`);
    const { first, last, revision } = this.write(
      streamName,
      events.map((e) => ({ id: e.id, type: e.type, data: e.data, metadata: e.metadata })),
    );
    return {
      success: true,
      nextExpectedRevision: revision,
      ...(this.omitAppendPosition ? {} : { position: { commit: last.commit, prepare: first.prepare } }),
    };
  }

  readStream(streamName: string, options: ReadStreamOptions = {}): ClientRead<ResolvedEvent> {
    const failure = this.takeFailure('readStream');
    const notFound = this.streams.has(streamName) ? undefined : new StreamNotFoundError(undefined, streamName);
    return asRead(() => {
      const records = this.visible(streamName);
      const backwards = options.direction === 'backwards';
      const from = options.fromRevision ?? (backwards ? END : START);
      const max = Number(options.maxCount ?? Number.MAX_SAFE_INTEGER);
      const inBackwardsRead = (r: StoredRecord): boolean =>
        from === END ? true : from === START ? r.revision === 0n : r.revision <= from;
      const inForwardsRead = (r: StoredRecord): boolean =>
        from === START ? true : from === END ? false : r.revision >= from;
      const selected = backwards ? records.filter(inBackwardsRead).reverse() : records.filter(inForwardsRead);
      return selected.slice(0, max).map(toResolved) as ResolvedEvent[];
    }, failure ?? notFound);
  }

  readAll(options: ReadAllOptions = {}): ClientRead<AllStreamResolvedEvent> {
    const failure = this.takeFailure('readAll');
    const from = options.fromPosition ?? START;
    this.readAllFrom.push(from === START || from === END ? from : { ...from });
    if (options.direction === 'backwards') throw new Error('the fake reads $all forwards only');
    return asRead(() => {
      const max = Number(options.maxCount ?? Number.MAX_SAFE_INTEGER);
      const selected =
        from === START ? this.log : from === END ? [] : this.log.filter((r) => comparePositions(r.position, from) >= 0);
      return selected.slice(0, max).map(toResolved);
    }, failure);
  }

  subscribeToAll(options: SubscribeToAllOptions = {}): ClientSubscription {
    const failure = this.takeFailure('subscribeToAll');
    if (failure !== undefined) throw failure;
    if (options.fromPosition !== END) throw new Error('the fake subscribes from END only');
    const filter = options.filter;
    const matches = (name: string): boolean =>
      filter === undefined
        ? true
        : 'prefixes' in filter
          ? filter.prefixes.some((p) => name.startsWith(p))
          : new RegExp(filter.regex).test(name);
    const subscription = new FakeSubscription(matches, (s) => this.subscriptions.delete(s));
    this.subscriptions.add(subscription);
    return subscription;
  }

  async setStreamMetadata(streamName: string, metadata: StreamMetadata): Promise<AppendResult> {
    await Promise.resolve();
    this.metadata.set(streamName, { ...metadata });
    const id = '00000000-0000-4000-9000-' + String(this.log.length).padStart(12, '0');
    const { last, revision } = this.write(`$$${streamName}`, [
      { id, type: '$metadata', data: metadata, metadata: undefined },
    ]);
    return { success: true, nextExpectedRevision: revision, position: last };
  }

  async getStreamMetadata(streamName: string): Promise<GetStreamMetadataResult> {
    await Promise.resolve();
    const metadata = this.metadata.get(streamName);
    return metadata === undefined ? { streamName } : { streamName, metadata: { ...metadata } };
  }

  /** Metadata stored for a stream (for assertions). */
  streamMetadata(streamName: string): StreamMetadata | undefined {
    return this.metadata.get(streamName);
  }

  /** Number of `$metadata` writes to a stream's metastream (for assertions). */
  metadataWrites(streamName: string): number {
    return this.streams.get(`$$${streamName}`)?.length ?? 0;
  }
}
