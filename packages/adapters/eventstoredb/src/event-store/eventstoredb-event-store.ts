import {
  END,
  FORWARDS,
  BACKWARDS,
  START,
  type AppendResult as ClientAppendResult,
  type Position,
} from '@eventstore/db-client';
import {
  InvalidInputError,
  WrongExpectedVersionError,
  type AnyEvent,
  type AppendOptions,
  type AppendResult,
  type EventStore,
  type NewEvent,
  type ReadAllOptions,
  type ReadStreamOptions,
  type RecordedEvent,
  type StreamState,
  type SubscribeOptions,
  type Subscription,
  invalidOptionError,
} from '@ordo/kernel';
import { assertValidAppend, type AppendLimits } from '@ordo/kernel/adapter-kit';
import { consumeRead, type EventStoreDbClientPort } from '../client/client-port';
import { checkDurationOption, checkRetryCountOption, integerOption } from '../option-checks';
import { AppendDoorbell } from '../subscriptions/append-doorbell';
import {
  resilientSubscription,
  type ScanResult,
  type SubscriptionSettings,
} from '../subscriptions/resilient-subscription';
import { planAppend, type StoredEventRef } from './append-plan';
import { isClientWrongExpectedVersion, isStreamNotFound, mapAppendError } from './error-mapping';
import { fromClientEvent, toEventData } from './event-mapping';
import { fromCurrentRevision, toExpectedRevision } from './expected-version-mapping';
import { decodeMetadata } from './metadata-encoding';
import {
  comparePositions,
  fromGlobalPosition,
  requirePosition,
  toAppendPosition,
  toGlobalPosition,
} from './position-mapping';
import { assertValidReadAll, assertValidReadStream, toClientReadStreamOptions } from './read-options';
import { streamNaming, type StreamNaming } from './stream-naming';

/** Options of {@link EventStoreDbEventStore}. */
export interface EventStoreDbEventStoreOptions {
  /** Prefix of every stream name of this store (see `event-store/stream-naming.ts`); defaults to none. */
  readonly streamPrefix?: string;
  /**
   * How many of a stream's most recent events an append checks for an idempotent retry or a
   * duplicate event id. Defaults to the whole stream (exact, one stream read per append); a window
   * makes appends to long streams cheaper, but a retry or a duplicate older than the window is
   * then not recognised.
   */
  readonly idempotencyWindow?: number;
  /** Rounds of check-then-write when concurrent writers keep moving a stream; defaults to 5. */
  readonly maxAppendAttempts?: number;
  /** Events requested per server read while scanning `$all`; defaults to 500. */
  readonly readAllPageSize?: number;
  /** Limits checked by `assertValidAppend` before anything is sent. */
  readonly appendLimits?: AppendLimits;
  /** How subscriptions wait for new events and reconnect. */
  readonly subscriptions?: SubscriptionSettings;
}

/** Throws `invalid_options` naming the field for a bad `subscriptions` setting. */
const checkSubscriptionSettings = (settings: SubscriptionSettings): void => {
  if (typeof settings !== 'object' || settings === null)
    throw invalidOptionError('subscriptions', 'an object', settings);
  integerOption('subscriptions.pollIntervalMs', settings.pollIntervalMs, 1);
  const retry: unknown = settings.retry;
  if (retry === undefined) return;
  if (typeof retry !== 'object' || retry === null) throw invalidOptionError('subscriptions.retry', 'an object', retry);
  const { initialDelayMs, maxDelayMs, maxAttempts } = retry as Record<string, unknown>;
  checkDurationOption('subscriptions.retry.initialDelayMs', initialDelayMs);
  checkDurationOption('subscriptions.retry.maxDelayMs', maxDelayMs);
  checkRetryCountOption('subscriptions.retry.maxAttempts', maxAttempts);
};

/**
 * Ordo's event store port on EventStoreDB (and KurrentDB) through the official gRPC client.
 * See the package README for the mapping of versions, positions, ids and metadata, and for the
 * limitations.
 */
export class EventStoreDbEventStore<E extends AnyEvent = AnyEvent> implements EventStore<E> {
  /** The stream naming rules of this store (prefix, reserved ids). */
  private readonly naming: StreamNaming;
  private readonly idempotencyWindow: number | undefined;
  private readonly maxAppendAttempts: number;
  private readonly readAllPageSize: number;
  private readonly doorbell: AppendDoorbell | undefined;

  constructor(
    private readonly client: EventStoreDbClientPort,
    private readonly options: EventStoreDbEventStoreOptions = {},
  ) {
    this.naming = streamNaming(options.streamPrefix ?? '');
    this.idempotencyWindow =
      options.idempotencyWindow === undefined
        ? undefined
        : integerOption('idempotencyWindow', options.idempotencyWindow, 1);
    this.maxAppendAttempts = integerOption('maxAppendAttempts', options.maxAppendAttempts, 5);
    this.readAllPageSize = integerOption('readAllPageSize', options.readAllPageSize, 500, 2);
    const settings = options.subscriptions ?? {};
    checkSubscriptionSettings(settings);
    const prefix = this.naming.prefix;
    this.doorbell =
      settings.liveNotifications === false
        ? undefined
        : new AppendDoorbell(
            () =>
              client.subscribeToAll({
                fromPosition: END,
                // Server-side filter: only this store's streams (never system streams) ring the bell.
                filter:
                  prefix === ''
                    ? { filterOn: 'streamName', regex: '^[^$]', checkpointInterval: 1 }
                    : { filterOn: 'streamName', prefixes: [prefix], checkpointInterval: 1 },
              }),
            {
              ...(settings.retry === undefined ? {} : { retry: settings.retry }),
              ...(settings.onRetry === undefined ? {} : { onError: settings.onRetry }),
            },
          );
  }

  /**
   * Appends events. Checks the input (`assertValidAppend`), reads the stream to decide between an
   * idempotent retry, a conflict, a duplicate id or a write (`planAppend`), then writes expecting
   * exactly the revision it read, so that the decision still holds when the write lands. If
   * another writer got in between, the round starts again (up to `maxAppendAttempts`; a last
   * round of an `'any'` / `'stream_exists'` append is sent with that expectation as is).
   */
  async appendToStream(
    streamId: string,
    events: ReadonlyArray<NewEvent<E>>,
    options?: AppendOptions,
  ): Promise<AppendResult> {
    assertValidAppend(streamId, events, options?.expectedVersion, this.options.appendLimits);
    this.naming.assertUserStreamId(streamId);
    const expected = options?.expectedVersion ?? 'any';
    const streamName = this.naming.toStreamName(streamId);
    const ids = events.map((e) => e.metadata.eventId);
    const data = events.map(toEventData);

    for (let attempt = 1; ; attempt++) {
      const { stored, current } = await this.loadForAppend(streamName);
      const plan = planAppend(stored, current, ids, expected);
      switch (plan.kind) {
        case 'idempotent':
          return {
            nextExpectedVersion: plan.nextExpectedVersion,
            position: toGlobalPosition(plan.last.ref, `event ${streamName}@${plan.last.version}`),
          };
        case 'conflict':
          throw new WrongExpectedVersionError(streamId, expected, plan.actual);
        case 'duplicate':
          throw new InvalidInputError(
            'duplicate_event_id',
            `event id '${plan.eventId}' is already stored in stream '${streamId}' at version ${plan.version}`,
            [{ path: 'metadata.eventId', expected: 'an event id not stored yet', actual: plan.eventId }],
          );
        case 'write': {
          const lastRound = attempt >= this.maxAppendAttempts;
          const expectedRevision = toExpectedRevision(
            lastRound && (expected === 'any' || expected === 'stream_exists') ? expected : plan.expectedState,
          );
          let result: ClientAppendResult;
          try {
            result = await this.client.appendToStream(streamName, data, { expectedRevision });
          } catch (error) {
            if (isClientWrongExpectedVersion(error) && !lastRound) continue;
            throw mapAppendError(error, streamId, expected);
          }
          if (!result.success) {
            // A client built with `throwOnAppendFailure: false` answers a conflict this way.
            if (!lastRound) continue;
            throw new WrongExpectedVersionError(streamId, expected, fromCurrentRevision(result.nextExpectedRevision));
          }
          return {
            nextExpectedVersion: result.nextExpectedRevision,
            position:
              toAppendPosition(result.position) ?? (await this.positionOf(streamName, result.nextExpectedRevision)),
          };
        }
      }
    }
  }

  /** Events of one stream in version order; `[]` for a stream that does not exist. */
  async readStream(streamId: string, options?: ReadStreamOptions): Promise<ReadonlyArray<RecordedEvent<E>>> {
    assertValidReadStream(streamId, options);
    this.naming.assertUserStreamId(streamId);
    const maxCount = options?.maxCount;
    if (maxCount === 0) return [];
    const tenantId = options?.tenantId;
    const out: RecordedEvent<E>[] = [];
    try {
      await consumeRead(
        this.client.readStream(this.naming.toStreamName(streamId), toClientReadStreamOptions(options)),
        (resolved) => {
          if (resolved.event === undefined) return true;
          const recorded = fromClientEvent<E>(resolved.event, streamId, 'reject');
          if (recorded === undefined || (tenantId !== undefined && recorded.metadata.tenantId !== tenantId))
            return true;
          out.push(recorded);
          return maxCount === undefined || out.length < maxCount;
        },
      );
    } catch (error) {
      if (isStreamNotFound(error)) return [];
      throw error;
    }
    return out;
  }

  /**
   * Events of this store's streams in `$all` order, strictly after `after`. System events,
   * streams outside the prefix, the adapter's own streams and events not written by Ordo are
   * skipped, and so are other tenants' events when `tenantId` is set (filtered here, after
   * reading: the scan costs what the skipped events cost).
   */
  async readAll(options?: ReadAllOptions): Promise<ReadonlyArray<RecordedEvent<E>>> {
    assertValidReadAll(options);
    return (await this.scanAll(options ?? {})).events;
  }

  /**
   * Catch-up subscription from a checkpoint: everything after `after`, then new events as they
   * are committed, each delivered once and in order, surviving dropped connections (see
   * `subscriptions/resilient-subscription.ts`).
   */
  subscribeToAll(options: SubscribeOptions<E>): Subscription {
    if (typeof options !== 'object' || options === null || typeof options.onEvent !== 'function') {
      throw invalidOptionError('onEvent', 'a function', (options as { onEvent?: unknown } | null)?.onEvent);
    }
    assertValidReadAll({
      ...(options.after === undefined ? {} : { after: options.after }),
      ...(options.tenantId === undefined ? {} : { tenantId: options.tenantId }),
    });
    integerOption('batchSize', options.batchSize, 1);
    return resilientSubscription<E>(
      (readOptions, resumeFrom) => this.scanAll(readOptions, resumeFrom),
      this.doorbell?.acquire(),
      options,
      this.options.subscriptions,
    );
  }

  /** Closes the live notification subscription shared by this store's subscriptions. */
  close(): void {
    this.doorbell?.close();
  }

  /**
   * Scans `$all` forwards from after `options.after` (or from after `resumeFrom`), collecting up
   * to `maxCount` of this store's events, page by page.
   */
  private async scanAll(options: ReadAllOptions, resumeFrom?: Position): Promise<ScanResult<E>> {
    const limit = options.maxCount ?? Number.POSITIVE_INFINITY;
    let cursor: Position | undefined =
      resumeFrom ?? (options.after === undefined ? undefined : fromGlobalPosition(options.after));
    const events: RecordedEvent<E>[] = [];
    if (limit === 0) return { events, scannedTo: cursor };
    // One more than asked for: the read starts at the checkpoint itself, inclusively.
    const pageSize = Math.max(2, Math.min(this.readAllPageSize, limit + 1));
    for (;;) {
      let seen = 0;
      let full = false;
      const from = cursor;
      await consumeRead(
        this.client.readAll({ fromPosition: from ?? START, maxCount: pageSize, direction: FORWARDS }),
        (resolved) => {
          seen++;
          const event = resolved.event;
          if (event === undefined) return true;
          const position = requirePosition(event.position, `event ${event.streamId}@${event.revision}`);
          if (from !== undefined && comparePositions(position, from) <= 0) return true;
          cursor = position;
          const streamId = this.naming.fromStreamName(event.streamId);
          if (streamId === undefined) return true;
          const recorded = fromClientEvent<E>(event, streamId, 'skip');
          if (
            recorded === undefined ||
            (options.tenantId !== undefined && recorded.metadata.tenantId !== options.tenantId)
          ) {
            return true;
          }
          events.push(recorded);
          full = events.length >= limit;
          return !full;
        },
      );
      if (full || seen < pageSize) return { events, scannedTo: cursor };
    }
  }

  /** The stream's events (or its most recent window) as the append plan needs them. */
  private async loadForAppend(
    streamName: string,
  ): Promise<{ stored: StoredEventRef<Position | undefined>[]; current: StreamState }> {
    const window = this.idempotencyWindow;
    const stored: StoredEventRef<Position | undefined>[] = [];
    const read =
      window === undefined
        ? this.client.readStream(streamName, { direction: FORWARDS, fromRevision: START })
        : this.client.readStream(streamName, { direction: BACKWARDS, fromRevision: END, maxCount: window });
    try {
      await consumeRead(read, (resolved) => {
        const event = resolved.event;
        if (event === undefined) return true;
        const metadata = decodeMetadata(event.metadata);
        stored.push({
          version: event.revision,
          eventId: metadata.kind === 'ordo' ? metadata.metadata.eventId : event.id,
          ref: event.position,
        });
        return true;
      });
    } catch (error) {
      if (isStreamNotFound(error)) return { stored: [], current: 'no_stream' };
      throw error;
    }
    if (window !== undefined) stored.reverse();
    const last = stored[stored.length - 1];
    return { stored, current: last === undefined ? 'no_stream' : last.version };
  }

  /** The global position of one event, read back from its stream. */
  private async positionOf(streamName: string, revision: bigint): Promise<bigint> {
    let position: Position | undefined;
    await consumeRead(
      this.client.readStream(streamName, { direction: FORWARDS, fromRevision: revision, maxCount: 1 }),
      (resolved) => {
        position = resolved.event?.position;
        return false;
      },
    );
    return toGlobalPosition(position, `event ${streamName}@${revision}`);
  }
}
