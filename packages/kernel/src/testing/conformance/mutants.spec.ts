/**
 * The suites prove themselves: each mutant below is an in-memory adapter broken on purpose in one
 * way (built by wrapping the real one), and must fail its port's suite, named case by case. The
 * unmutated adapters (and a store that commits out of position order but reads gap-free) must pass
 * every case, so that a kill is the mutant's doing and not a flaky case.
 *
 * Each mutant prints `NOTE mutant "<name>" killed by: <case>, <case>`.
 */
import {
  type InMemoryCheckpointStore,
  type InMemoryEventStore,
  createInMemoryCheckpointStore,
  createInMemoryEventStore,
  createInMemoryInbox,
  createInMemoryMessageBus,
  createInMemoryOutbox,
  createInMemoryScheduler,
  createInMemorySnapshotStore,
} from '@ordo/adapter-memory';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { catchUpSubscription } from '../../event-store/catch-up-subscription';
import type { EventStore, Subscription } from '../../event-store/event-store';
import type { NewEvent, RecordedEvent } from '../../event-store/recorded-event';
import { WrongExpectedVersionError, isWrongExpectedVersionError } from '../../event-store/wrong-expected-version-error';
import type { Inbox } from '../../messaging/inbox';
import type { MessageConsumer } from '../../messaging/message-consumer';
import type { Outbox } from '../../messaging/outbox';
import { isInvalidInputError } from '../../model/errors';
import type { CheckpointStore } from '../../projections/checkpoint-store';
import type { Scheduler } from '../../runtime/scheduler';
import type { Snapshot, SnapshotStore } from '../../snapshots/snapshot-store';
import {
  type CheckpointStoreConformanceFactory,
  type CommitHold,
  type ConformanceFactory,
  type InboxConformanceFactory,
  type MessageConsumerConformanceFactory,
  type OutboxConformanceFactory,
  type SchedulerConformanceFactory,
  type SnapshotStoreConformanceFactory,
  checkpointStoreConformance,
  eventStoreConformance,
  inboxConformance,
  messageConsumerConformance,
  outboxConformance,
  schedulerConformance,
  snapshotStoreConformance,
} from '.';
import { type SuiteRegistration, failureLine, runSuite } from './shared/mutation';

/** Mutants fail fast: a case waiting for a delivery that a mutant dropped gives up after this. */
const TIMEOUT_MS = 1_000;

// ---------------------------------------------------------------------------------------------
// Event store

/** A held in-memory store: an inline handler calls `hold` after positions are drawn, before the commit. */
const heldMemoryStore = (hold: CommitHold): InMemoryEventStore =>
  createInMemoryEventStore({ inlineProjections: [{ name: 'conformance-hold', handle: (events) => hold(events) }] });

/** The in-memory store, as adapters run the suite. */
const memoryStoreFactory: ConformanceFactory = {
  create: async () => createInMemoryEventStore(),
  createHeld: async (hold) => heldMemoryStore(hold),
  timeoutMs: TIMEOUT_MS,
};

/** A store that forwards to `inner`, except for what `override` replaces. */
const wrapStore = (inner: InMemoryEventStore, override: (inner: InMemoryEventStore) => Partial<EventStore>) => {
  const base: EventStore = {
    appendToStream: (streamId, events, options) => inner.appendToStream(streamId, events, options),
    readStream: (streamId, options) => inner.readStream(streamId, options),
    readAll: (options) => inner.readAll(options),
    subscribeToAll: (options) => inner.subscribeToAll(options),
  };
  return { ...base, ...override(inner) };
};

/** The memory factory with every store (plain and held) wrapped by `override`. */
const mutatedStore = (override: (inner: InMemoryEventStore) => Partial<EventStore>): ConformanceFactory => ({
  create: async () => wrapStore(createInMemoryEventStore(), override),
  createHeld: async (hold) => wrapStore(heldMemoryStore(hold), override),
  timeoutMs: TIMEOUT_MS,
});

let retryCopies = 0;

/**
 * A store whose appends take their positions at once but commit (become visible) only when their
 * hold resolves, so commits can come out of position order: the gap problem. `gapFree` readers
 * see nothing beyond the lowest uncommitted position (what PostgreSQL's ordered commits give);
 * otherwise a reader simply skips uncommitted rows, as `WHERE position > $after` over committed
 * rows does, and a follower paging past them never sees them.
 */
const outOfOrderCommits = (hold: CommitHold | undefined, gapFree: boolean): EventStore => {
  const inner = createInMemoryEventStore();
  const pending = new Set<bigint>();
  let generation = 0;
  let wakers: Array<() => void> = [];
  const changed = () => {
    generation += 1;
    const woken = wakers;
    wakers = [];
    for (const wake of woken) wake();
  };
  const visible = (events: ReadonlyArray<RecordedEvent>, maxCount: number | undefined) => {
    let low: bigint | undefined;
    for (const p of pending) if (low === undefined || p < low) low = p;
    const shown = events.filter((e) =>
      gapFree ? low === undefined || e.globalPosition < low : !pending.has(e.globalPosition),
    );
    return shown.slice(0, maxCount ?? shown.length);
  };
  const store: EventStore = {
    appendToStream: async (streamId, events, options) => {
      const before = inner.lastPosition();
      // The in-memory append commits within the call: the log has grown once it returns.
      const appended = inner.appendToStream(streamId, events, options);
      const wrote = inner.lastPosition() > before;
      const result = await appended;
      if (hold === undefined || !wrote) {
        changed();
        return result;
      }
      const records = inner.allEvents().filter((e) => e.globalPosition > before && e.globalPosition <= result.position);
      for (const e of records) pending.add(e.globalPosition);
      try {
        await hold(records);
      } finally {
        for (const e of records) pending.delete(e.globalPosition);
        changed();
      }
      return result;
    },
    readStream: async (streamId, options) => {
      const events = await inner.readStream(streamId, options);
      return pending.size === 0 ? events : events.filter((e) => !pending.has(e.globalPosition));
    },
    readAll: async (options) => {
      if (pending.size === 0) return inner.readAll(options);
      const { maxCount, ...rest } = options ?? {};
      return visible(await inner.readAll(rest), maxCount);
    },
    subscribeToAll: (options) => {
      let seen = 0;
      return catchUpSubscription(
        {
          readAll: (readOptions) => {
            seen = generation;
            return store.readAll(readOptions);
          },
          waitForAppend: (signal) =>
            new Promise<void>((resolve) => {
              if (generation > seen || signal.aborted) return resolve();
              wakers.push(resolve);
              signal.addEventListener('abort', () => resolve(), { once: true });
            }),
        },
        options,
      );
    },
  };
  return store;
};

/**
 * A subscription that catches up by paging `readAll`, then goes live from the end of the log as
 * it is at that moment, instead of from the last event it delivered: whatever commits in between
 * is lost.
 */
const liveFromTheEnd = (inner: InMemoryEventStore): Partial<EventStore> => ({
  subscribeToAll: (options): Subscription => {
    const batchSize = options.batchSize ?? 100;
    let stopped = false;
    let live: Subscription | undefined;
    let markCaughtUp: () => void = () => undefined;
    const caughtUp = new Promise<void>((resolve) => (markCaughtUp = resolve));
    const done = (async () => {
      let after = options.after;
      for (;;) {
        const page = await inner.readAll({
          ...(after === undefined ? {} : { after }),
          maxCount: batchSize,
          ...(options.tenantId === undefined ? {} : { tenantId: options.tenantId }),
        });
        for (const event of page) {
          if (stopped) return;
          await options.onEvent(event);
          after = event.globalPosition;
        }
        if (page.length < batchSize) break;
      }
      markCaughtUp();
      if (stopped) return;
      live = inner.subscribeToAll({ ...options, after: inner.lastPosition() });
      await live.done;
    })().finally(markCaughtUp);
    done.catch(() => undefined);
    return {
      caughtUp,
      done,
      stop: async () => {
        stopped = true;
        await live?.stop();
        await done.catch(() => undefined);
      },
    };
  },
});

const eventStoreMutants: ReadonlyArray<Mutant<ConformanceFactory>> = [
  {
    name: 'ignores expectedVersion',
    target: "append: 'no_stream' on an existing stream fails with the actual version",
    factory: mutatedStore((inner) => ({
      appendToStream: (streamId, events, options) =>
        inner.appendToStream(streamId, events, { ...options, expectedVersion: 'any' }),
    })),
  },
  {
    name: 're-writes on an idempotent retry',
    target: 'idempotency: re-appending the same ids at the same expected version writes nothing, for every kind',
    factory: mutatedStore((inner) => ({
      appendToStream: async (streamId, events, options) => {
        const firstId = Array.isArray(events) ? (events[0] as NewEvent | undefined)?.metadata?.eventId : undefined;
        let stored = false;
        try {
          stored = (await inner.readStream(streamId)).some((e) => e.metadata.eventId === firstId);
        } catch {
          // A bad stream id: the append below refuses it.
        }
        if (!stored) return inner.appendToStream(streamId, events, options);
        // The retry is taken for new events: written again, under fresh ids.
        retryCopies += 1;
        const copies = events.map((e) => ({
          ...e,
          metadata: { ...e.metadata, eventId: `${e.metadata.eventId}~copy${retryCopies}` },
        }));
        return inner.appendToStream(streamId, copies);
      },
    })),
  },
  {
    name: 'half-writes an invalid batch',
    target: 'invalid input: data JSON cannot carry is rejected and nothing is written',
    factory: mutatedStore((inner) => ({
      appendToStream: async (streamId, events, options) => {
        try {
          return await inner.appendToStream(streamId, events, options);
        } catch (error) {
          // Writes the events one by one until the bad one, then reports the batch's error.
          if (isInvalidInputError(error) && Array.isArray(events)) {
            for (const event of events) {
              try {
                await inner.appendToStream(streamId, [event]);
              } catch {
                break;
              }
            }
          }
          throw error;
        }
      },
    })),
  },
  {
    name: 'reports a wrong actual',
    target: "append: 'no_stream' on an existing stream fails with the actual version",
    factory: mutatedStore((inner) => ({
      appendToStream: async (streamId, events, options) => {
        try {
          return await inner.appendToStream(streamId, events, options);
        } catch (error) {
          // A stale version: the state before the stream's last write.
          if (isWrongExpectedVersionError(error) && error.actual !== 'no_stream') {
            throw new WrongExpectedVersionError(error.streamId, error.expected, error.actual - 1n);
          }
          throw error;
        }
      },
    })),
  },
  {
    name: 'readAll skips an event committed out of order',
    target:
      'gap: appends held open before commit and released out of position order are neither skipped nor doubled by followers',
    factory: {
      create: async () => outOfOrderCommits(undefined, false),
      createHeld: async (hold) => outOfOrderCommits(hold, false),
      timeoutMs: TIMEOUT_MS,
    },
  },
  {
    name: 'a subscription drops the event at the catch-up/live boundary',
    target:
      'subscribeToAll: an event appended while the last catch-up event is handled is delivered (catch-up/live boundary)',
    factory: mutatedStore(liveFromTheEnd),
  },
  {
    name: 'clamps readAll({ after: -1n }) instead of refusing it',
    target: 'read options: each invalid readAll option is refused with invalid_read_options naming it',
    factory: mutatedStore((inner) => ({
      readAll: (options) =>
        inner.readAll(typeof options?.after === 'bigint' && options.after < 0n ? { ...options, after: 0n } : options),
    })),
  },
];

// ---------------------------------------------------------------------------------------------
// Snapshot store

const snapshotKey = (streamId: string, deciderVersion: string) => JSON.stringify([streamId, deciderVersion]);

const snapshotMutants: ReadonlyArray<Mutant<SnapshotStoreConformanceFactory>> = [
  {
    name: 'snapshot store ignores the decider version',
    target: 'snapshot store: another decider version is ignored; each decider version keeps its own',
    factory: {
      create: async () => {
        const inner = createInMemorySnapshotStore();
        return {
          save: (snapshot) => inner.save(snapshot),
          load: async (streamId, deciderVersion) => {
            await inner.load(streamId, deciderVersion); // its input checks
            const newest = inner
              .entries()
              .filter((s) => s.streamId === streamId)
              .sort((a, b) => (a.version < b.version ? 1 : -1))[0];
            return newest === undefined ? undefined : { ...newest, deciderVersion };
          },
        } satisfies SnapshotStore;
      },
    },
  },
  {
    name: 'snapshot store lets an older save win',
    target: 'snapshot store: the newest version wins; an older save is ignored',
    factory: {
      create: async () => {
        const latest = new Map<string, SnapshotStore>();
        return {
          save: async (snapshot: Snapshot) => {
            const fresh = createInMemorySnapshotStore();
            await fresh.save(snapshot); // validates and copies; replaces whatever was there
            latest.set(snapshotKey(snapshot.streamId, snapshot.deciderVersion), fresh);
          },
          load: async (streamId, deciderVersion) => {
            const store = latest.get(snapshotKey(streamId, deciderVersion)) ?? createInMemorySnapshotStore();
            return store.load(streamId, deciderVersion);
          },
        } satisfies SnapshotStore;
      },
    },
  },
];

// ---------------------------------------------------------------------------------------------
// Checkpoint store

const checkpointMutants: ReadonlyArray<Mutant<CheckpointStoreConformanceFactory>> = [
  {
    name: 'checkpoint store moves backwards',
    target: 'checkpoint store: never moves backwards: a lower save is ignored, an equal one changes nothing',
    factory: {
      create: async () => {
        const inner: InMemoryCheckpointStore = createInMemoryCheckpointStore();
        return {
          load: (name) => inner.load(name),
          save: async (name, position) => {
            // A save replaces the position, a lower one included.
            const stored = typeof position === 'bigint' ? await inner.load(name) : undefined;
            if (stored !== undefined && typeof position === 'bigint' && position < stored) await inner.delete(name);
            await inner.save(name, position);
          },
        } satisfies CheckpointStore;
      },
      reopen: async (store) => store,
    },
  },
  {
    name: 'checkpoint store forgets its checkpoints on a restart',
    target: 'checkpoint store: a restart (a new instance over the same storage) loads the last position',
    factory: {
      create: async () => createInMemoryCheckpointStore(),
      reopen: async () => createInMemoryCheckpointStore(),
    },
  },
];

// ---------------------------------------------------------------------------------------------
// Inbox

const inboxMutants: ReadonlyArray<Mutant<InboxConformanceFactory>> = [
  {
    name: 'inbox forgets a handled id after a restart',
    target: 'inbox: a restart (a new instance over the same storage) still knows the handled messages',
    factory: { create: async () => createInMemoryInbox(), reopen: async () => createInMemoryInbox() },
  },
  {
    name: 'inbox records a message whose effect failed',
    target: 'inbox: a failing effect records nothing, rethrows its error, and the message can be handled again',
    factory: {
      create: async () => {
        const inner = createInMemoryInbox();
        return {
          has: (consumer, messageId) => inner.has(consumer, messageId),
          handleOnce: async (consumer, messageId, effect) => {
            let failure: { error: unknown } | undefined;
            const result = await inner.handleOnce(consumer, messageId, async (tx) => {
              try {
                return await effect(tx);
              } catch (error) {
                failure = { error };
                return undefined as never;
              }
            });
            if (failure !== undefined) throw failure.error;
            return result;
          },
        } satisfies Inbox<void>;
      },
      reopen: async (inbox) => inbox,
    },
  },
  {
    name: 'inbox checks, then runs the effect, then records (not at once)',
    target: 'inbox: concurrent deliveries of one message run the effect once',
    factory: {
      create: async () => {
        const inner = createInMemoryInbox();
        return {
          has: (consumer, messageId) => inner.has(consumer, messageId),
          handleOnce: async (consumer, messageId, effect) => {
            if (await inner.has(consumer, messageId)) return { duplicate: true };
            const result = await effect(undefined);
            await inner.handleOnce(consumer, messageId, async () => result);
            return { duplicate: false, result };
          },
        } satisfies Inbox<void>;
      },
      reopen: async (inbox) => inbox,
    },
  },
  {
    name: 'inbox batch checks, then runs the effect, then records (not at once)',
    target: "inbox: concurrent batches sharing ids apply each id's effect once",
    factory: {
      create: async () => {
        const inner = createInMemoryInbox();
        return {
          has: (consumer, messageId) => inner.has(consumer, messageId),
          handleOnce: (consumer, messageId, effect) => inner.handleOnce(consumer, messageId, effect),
          handleBatch: async (consumer, messageIds, effect) => {
            const fresh: string[] = [];
            const duplicates: string[] = [];
            for (const id of messageIds) ((await inner.has(consumer, id)) ? duplicates : fresh).push(id);
            if (fresh.length === 0) return { ran: false, fresh: [], duplicates };
            const result = await effect(undefined, fresh);
            await inner.handleBatch(consumer, fresh, async () => result);
            return { ran: true, fresh, duplicates, result };
          },
        } satisfies Inbox<void>;
      },
      reopen: async (inbox) => inbox,
    },
  },
  {
    name: 'inbox batch records its ids when the effect failed',
    target:
      'inbox: a failing batch effect records none of its ids, rethrows its error, and the batch can be handled again',
    factory: {
      create: async () => {
        const inner = createInMemoryInbox();
        return {
          has: (consumer, messageId) => inner.has(consumer, messageId),
          handleOnce: (consumer, messageId, effect) => inner.handleOnce(consumer, messageId, effect),
          handleBatch: async (consumer, messageIds, effect) => {
            let failure: { error: unknown } | undefined;
            const result = await inner.handleBatch(consumer, messageIds, async (tx, fresh) => {
              try {
                return await effect(tx, fresh);
              } catch (error) {
                failure = { error };
                return undefined as never;
              }
            });
            if (failure !== undefined) throw failure.error;
            return result;
          },
        } satisfies Inbox<void>;
      },
      reopen: async (inbox) => inbox,
    },
  },
  {
    name: 'inbox batch takes a repeated id for a duplicate instead of refusing it',
    target:
      'inbox: handleBatch refuses a bad consumer, an empty list, a bad id or a repeated id before the effect runs',
    factory: {
      create: async () => {
        const inner = createInMemoryInbox();
        return {
          has: (consumer, messageId) => inner.has(consumer, messageId),
          handleOnce: (consumer, messageId, effect) => inner.handleOnce(consumer, messageId, effect),
          handleBatch: (consumer, messageIds, effect) =>
            inner.handleBatch(consumer, Array.isArray(messageIds) ? [...new Set(messageIds)] : messageIds, effect),
        } satisfies Inbox<void>;
      },
      reopen: async (inbox) => inbox,
    },
  },
];

// ---------------------------------------------------------------------------------------------
// Outbox, scheduler, message consumer

const outboxMutants: ReadonlyArray<Mutant<OutboxConformanceFactory>> = [
  {
    name: 'outbox hands a stream to two owners',
    target: 'outbox: a stream another owner holds yields none of its messages; each claim is a prefix',
    factory: {
      create: async () => {
        const inner = createInMemoryOutbox();
        const outbox: Outbox = {
          claim: async (options) => {
            // Takes other owners' claims away: their leases are ignored.
            for (const entry of inner.entries()) {
              if (!entry.published && entry.owner !== undefined && entry.owner !== options.owner) {
                await inner.release(entry.owner, [entry.message.id]);
              }
            }
            return inner.claim(options);
          },
          markPublished: (owner, ids) => inner.markPublished(owner, ids),
          release: (owner, ids) => inner.release(owner, ids),
          pending: () => inner.pending(),
        };
        return { outbox, add: async (messages) => inner.add(messages) };
      },
    },
  },
];

const schedulerMutants: ReadonlyArray<Mutant<SchedulerConformanceFactory>> = [
  {
    name: 'scheduler hands out messages before they are due',
    target: 'scheduler: a message is not taken before its due time, then taken once, as scheduled',
    factory: {
      create: async () => {
        const inner = createInMemoryScheduler<unknown>();
        return {
          schedule: (id, message, dueAt) => inner.schedule(id, message, dueAt),
          cancel: (id) => inner.cancel(id),
          takeDue: (now) => inner.takeDue(now instanceof Date ? new Date(now.getTime() + 60_000) : now),
        } satisfies Scheduler<unknown>;
      },
    },
  },
  {
    name: 'scheduler keeps both schedules of a re-scheduled id',
    target: 'scheduler: scheduling an id again replaces its message and due time',
    factory: {
      create: async () => {
        const inner = createInMemoryScheduler<unknown>();
        const copies = new Map<string, string[]>();
        let n = 0;
        return {
          schedule: async (id, message, dueAt) => {
            const copy = typeof id === 'string' && id.length > 0 ? `${id}#${++n}` : id;
            await inner.schedule(copy, message, dueAt);
            copies.set(id, [...(copies.get(id) ?? []), copy]);
          },
          cancel: async (id) => {
            for (const copy of copies.get(id) ?? []) await inner.cancel(copy);
          },
          takeDue: async (now) =>
            (await inner.takeDue(now)).map((m) => ({ ...m, id: m.id.slice(0, m.id.lastIndexOf('#')) })),
        } satisfies Scheduler<unknown>;
      },
    },
  },
];

const consumerMutants: ReadonlyArray<Mutant<MessageConsumerConformanceFactory>> = [
  {
    name: 'message consumer drops a message whose handler failed',
    target: 'message consumer: a handler that throws gets the message again, and the key waits for it',
    factory: {
      create: async () => {
        const bus = createInMemoryMessageBus();
        const consumer: MessageConsumer = {
          subscribe: (options) =>
            bus.subscribe({
              ...options,
              handle: async (message) => {
                try {
                  await options.handle(message);
                } catch {
                  // Swallowed: the message counts as handled.
                }
              },
            }),
        };
        return { consumer, publisher: bus };
      },
      timeoutMs: TIMEOUT_MS,
    },
  },
  {
    name: 'message consumer keeps delivering to a stopped member',
    target: 'message consumer: a stopped member receives nothing more; the group’s next member gets the rest',
    factory: {
      create: async () => {
        const bus = createInMemoryMessageBus();
        const consumer: MessageConsumer = {
          subscribe: async (options) => {
            await bus.subscribe(options);
            return { stop: async () => undefined };
          },
        };
        return { consumer, publisher: bus };
      },
      timeoutMs: TIMEOUT_MS,
    },
  },
];

// ---------------------------------------------------------------------------------------------
// The self-test

/** A broken adapter, the case written to catch it, and how to make one. */
interface Mutant<F> {
  readonly name: string;
  /** The case aimed at this bug: it must be among the killers. */
  readonly target: string;
  readonly factory: F;
}

interface Suite<F> {
  readonly name: string;
  readonly register: SuiteRegistration<F>;
  readonly unmutated: ReadonlyArray<readonly [string, F]>;
  readonly mutants: ReadonlyArray<Mutant<F>>;
}

const suite = <F>(s: Suite<F>): Suite<unknown> => s as unknown as Suite<unknown>;

const suites: ReadonlyArray<Suite<unknown>> = [
  suite<ConformanceFactory>({
    name: 'event store',
    register: eventStoreConformance,
    unmutated: [
      ['the in-memory event store', memoryStoreFactory],
      [
        'a store committing out of position order that reads gap-free',
        {
          create: async () => outOfOrderCommits(undefined, true),
          createHeld: async (hold) => outOfOrderCommits(hold, true),
          timeoutMs: TIMEOUT_MS,
        },
      ],
    ],
    mutants: eventStoreMutants,
  }),
  suite<SnapshotStoreConformanceFactory>({
    name: 'snapshot store',
    register: snapshotStoreConformance,
    unmutated: [['the in-memory snapshot store', { create: async () => createInMemorySnapshotStore() }]],
    mutants: snapshotMutants,
  }),
  suite<CheckpointStoreConformanceFactory>({
    name: 'checkpoint store',
    register: checkpointStoreConformance,
    unmutated: [
      [
        'the in-memory checkpoint store',
        { create: async () => createInMemoryCheckpointStore(), reopen: async (store) => store },
      ],
    ],
    mutants: checkpointMutants,
  }),
  suite<InboxConformanceFactory>({
    name: 'inbox',
    register: inboxConformance,
    unmutated: [['the in-memory inbox', { create: async () => createInMemoryInbox(), reopen: async (inbox) => inbox }]],
    mutants: inboxMutants,
  }),
  suite<OutboxConformanceFactory>({
    name: 'outbox',
    register: outboxConformance,
    unmutated: [
      [
        'the in-memory outbox',
        {
          create: async () => {
            const outbox = createInMemoryOutbox();
            return { outbox, add: async (messages) => outbox.add(messages) };
          },
        },
      ],
    ],
    mutants: outboxMutants,
  }),
  suite<SchedulerConformanceFactory>({
    name: 'scheduler',
    register: schedulerConformance,
    unmutated: [['the in-memory scheduler', { create: async () => createInMemoryScheduler() }]],
    mutants: schedulerMutants,
  }),
  suite<MessageConsumerConformanceFactory>({
    name: 'message consumer',
    register: messageConsumerConformance,
    unmutated: [
      [
        'the in-memory message bus',
        {
          create: async () => {
            const bus = createInMemoryMessageBus();
            return { consumer: bus, publisher: bus };
          },
          timeoutMs: TIMEOUT_MS,
        },
      ],
    ],
    mutants: consumerMutants,
  }),
];

for (const s of suites) {
  for (const [label, factory] of s.unmutated) {
    test(`${s.name} suite: ${label} passes every case (so that kills are not noise)`, async () => {
      const run = await runSuite(s.register, factory);
      const failures = run.outcomes
        .filter((o) => o.status === 'failed')
        .map((o) => `${o.name}: ${failureLine(o.error)}`);
      assert.equal(failures, [], `${label} failed ${failures.length} case(s)`);
      assert.ok(run.passed.length > 0);
    });
  }
  for (const mutant of s.mutants) {
    test(`${s.name} suite kills the mutant "${mutant.name}"`, async () => {
      const run = await runSuite(s.register, mutant.factory);
      assert.ok(
        run.outcomes.some((o) => o.name === mutant.target),
        `the target case '${mutant.target}' is not a case of the ${s.name} suite`,
      );
      console.log(`\nNOTE mutant "${mutant.name}" killed by: ${run.failed.join(', ') || 'NOTHING'}`);
      assert.ok(run.failed.length > 0, `the mutant "${mutant.name}" passed every case of the ${s.name} suite`);
      assert.ok(
        run.failed.includes(mutant.target),
        `the case aimed at "${mutant.name}" ('${mutant.target}') did not fail; killed by: ${run.failed.join(', ')}`,
      );
    });
  }
}

test('at least eight mutants, each named once', () => {
  const names = suites.flatMap((s) => s.mutants.map((m) => m.name));
  assert.ok(names.length >= 8, `${names.length} mutants`);
  assert.is(new Set(names).size, names.length);
});

test.run();
