import type { AnyEvent, EventStore, SubscribeOptions, Subscription } from '../../../event-store/event-store';
import type { ExpectedVersion } from '../../../event-store/expected-version';
import type { EventMetadata } from '../../../model/event-metadata';
import type { NewEvent, RecordedEvent } from '../../../event-store/recorded-event';
import { isWrongExpectedVersionError } from '../../../event-store/wrong-expected-version-error';
import { ConformanceFailure, errorCode, fail } from '../shared/assert';
import { DEFAULT_TIMEOUT_MS, within } from '../shared/timing';
import type { ConformanceFactory } from './types';

export { within } from '../shared/timing';

/** A fixed `occurredAt`: the kernel has no clock, and the suite needs none. */
export const OCCURRED_AT = '2024-01-02T03:04:05.678Z';

/** The stream through which every case claims its namespace. */
export const RUNS_STREAM = 'ordo-conformance-runs';

/** What a case works with: a store, and ids that no other case or run uses. */
export interface CaseContext {
  readonly store: EventStore;
  /** How long the case waits for a delivery before it fails instead of hanging (`factory.timeoutMs`). */
  readonly timeoutMs: number;
  /** Unique namespace of this case in this store, e.g. `r12`. */
  readonly ns: string;
  /** Position of the namespace claim: every event of this case lies after it. */
  readonly start: bigint;
  /** A stream id of this case; streams named so are "own" streams. */
  readonly stream: (name: string) => string;
  /** An event id of this case. */
  readonly id: (name: string) => string;
  /** A tenant id of this case. */
  readonly tenant: (name: string) => string;
  /** A new event with a fresh id (unless `metadata.eventId` is given) and the required metadata. */
  readonly event: (type: string, data?: Record<string, unknown>, metadata?: Partial<EventMetadata>) => NewEvent;
  /** True for events on this case's streams. */
  readonly isOwn: (event: RecordedEvent) => boolean;
  /** Every event of this case's streams in `$all` order, paging through `readAll`. */
  readonly ownAll: (options?: { readonly tenantId?: string; readonly pageSize?: number }) => Promise<RecordedEvent[]>;
}

/**
 * Claims a namespace no earlier case or run has used in this store: reads the last claim of
 * {@link RUNS_STREAM} and appends the next one at that exact version (retrying on conflicts).
 * Deterministic and clock-free; it only relies on appends with an exact expected version.
 */
const claimNamespace = async (store: EventStore): Promise<{ ns: string; start: bigint }> => {
  for (let attempt = 0; attempt < 100; attempt++) {
    const last = (await store.readStream(RUNS_STREAM, { direction: 'backwards', maxCount: 1 }))[0];
    const next = last === undefined ? 0n : last.streamVersion + 1n;
    const expectedVersion: ExpectedVersion = last === undefined ? 'no_stream' : last.streamVersion;
    try {
      const result = await store.appendToStream(
        RUNS_STREAM,
        [
          {
            event: { type: 'ConformanceRunClaimed', run: String(next) } as AnyEvent,
            metadata: {
              eventId: `ordo-conformance-run-${next}`,
              correlationId: RUNS_STREAM,
              causationId: RUNS_STREAM,
              occurredAt: OCCURRED_AT,
            },
          },
        ],
        { expectedVersion },
      );
      return { ns: `r${next}`, start: result.position };
    } catch (error) {
      if (isWrongExpectedVersionError(error) || errorCode(error) === 'duplicate_event_id') continue;
      throw error;
    }
  }
  return fail(`could not claim a namespace in ${RUNS_STREAM} after 100 attempts`);
};

/**
 * Pages through `readAll` from `after` to the end. Each page must start strictly after the
 * cursor; a store that answers otherwise fails at once instead of looping forever.
 */
export const readAllPages = async (
  store: EventStore,
  options: { readonly after: bigint; readonly pageSize?: number; readonly tenantId?: string },
): Promise<RecordedEvent[]> => {
  const out: RecordedEvent[] = [];
  let after = options.after;
  for (;;) {
    const page = await store.readAll({
      after,
      maxCount: options.pageSize ?? 1000,
      ...(options.tenantId === undefined ? {} : { tenantId: options.tenantId }),
    });
    if (page.length === 0) return out;
    for (const event of page) {
      if (event.globalPosition <= after) {
        fail(`readAll({ after: ${after}n }) returned an event at or before the cursor (${event.globalPosition}n)`);
      }
      after = event.globalPosition;
      out.push(event);
    }
  }
};

/**
 * Creates a store (through `create`, by default `factory.create`), claims a namespace, runs
 * `body`, and disposes the store whatever happens.
 */
export const withStore = async (
  factory: ConformanceFactory,
  body: (ctx: CaseContext) => Promise<void>,
  create: () => Promise<EventStore> = () => factory.create(),
): Promise<void> => {
  const store = await create();
  try {
    const { ns, start } = await claimNamespace(store);
    const ownStreams = new Set<string>();
    let counter = 0;
    const ctx: CaseContext = {
      store,
      timeoutMs: factory.timeoutMs ?? DEFAULT_TIMEOUT_MS,
      ns,
      start,
      stream: (name) => {
        const id = `${name}-${ns}`;
        ownStreams.add(id);
        return id;
      },
      id: (name) => `${ns}:${name}`,
      tenant: (name) => `${name}-${ns}`,
      event: (type, data = {}, metadata = {}) => {
        counter += 1;
        return {
          event: { ...data, type },
          metadata: {
            eventId: `${ns}:event-${counter}`,
            correlationId: `${ns}:correlation`,
            causationId: `${ns}:cause-${counter}`,
            occurredAt: OCCURRED_AT,
            ...metadata,
          },
        };
      },
      isOwn: (event) => ownStreams.has(event.streamId),
      ownAll: async (options = {}) =>
        (await readAllPages(store, { ...options, after: start })).filter((e) => ownStreams.has(e.streamId)),
    };
    await body(ctx);
  } finally {
    await factory.dispose?.(store);
  }
};

/** A subscription that collects the case's own events and lets the case wait for a count. */
export interface Collector {
  readonly events: RecordedEvent[];
  readonly subscription: Subscription;
  /** Resolves once at least `count` own events arrived (fails after `ctx.timeoutMs`). */
  readonly until: (count: number, what: string) => Promise<void>;
}

/** Subscribes to `$all` and collects the events `keep` accepts (the case's own by default). */
export const collect = (
  ctx: CaseContext,
  options: Omit<SubscribeOptions, 'onEvent'> & {
    readonly keep?: (event: RecordedEvent) => boolean;
    readonly onOwnEvent?: (event: RecordedEvent) => void;
  } = {},
): Collector => {
  const events: RecordedEvent[] = [];
  const keep = options.keep ?? ctx.isOwn;
  let waiters: Array<{ count: number; resolve: () => void }> = [];
  let lastPosition: bigint | undefined;
  const subscribeOptions: SubscribeOptions = {
    ...(options.after === undefined ? {} : { after: options.after }),
    ...(options.batchSize === undefined ? {} : { batchSize: options.batchSize }),
    ...(options.tenantId === undefined ? {} : { tenantId: options.tenantId }),
    onEvent: (event) => {
      // A store that delivers an event twice or goes backwards could loop forever on
      // microtasks (starving the timeout), so the collector ends the subscription at once.
      if (lastPosition !== undefined && event.globalPosition <= lastPosition) {
        fail(`subscription delivered position ${event.globalPosition}n after ${lastPosition}n`);
      }
      if (options.after !== undefined && event.globalPosition <= options.after) {
        fail(`subscription after ${options.after}n delivered position ${event.globalPosition}n`);
      }
      lastPosition = event.globalPosition;
      if (!keep(event)) return;
      options.onOwnEvent?.(event);
      events.push(event);
      const ready = waiters.filter((w) => events.length >= w.count);
      waiters = waiters.filter((w) => events.length < w.count);
      for (const w of ready) w.resolve();
    },
  };
  const subscription = ctx.store.subscribeToAll(subscribeOptions);
  return {
    events,
    subscription,
    until: (count, what) => {
      if (events.length >= count) return Promise.resolve();
      const arrived = new Promise<void>((resolve) => waiters.push({ count, resolve }));
      // A subscription that ends early (store or handler error) must fail the wait, not hang it.
      const ended = subscription.done.then(
        () => fail(`${what}: the subscription ended after ${events.length} of ${count} events`),
        (error: unknown) => {
          throw error instanceof Error
            ? error
            : new ConformanceFailure(`${what}: the subscription failed: ${String(error)}`);
        },
      );
      return within(Promise.race([arrived, ended]), ctx.timeoutMs, `${what} (${events.length}/${count})`);
    },
  };
};
