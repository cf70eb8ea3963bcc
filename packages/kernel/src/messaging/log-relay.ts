import type { AnyEvent, EventStore } from '../event-store/event-store';
import { invalidOptionError } from '../model/errors';
import type { CheckpointStore } from '../projections/checkpoint-store';
import { createWorkerLoop } from '../runtime/worker-loop';
import type { OutboxRelay, OutboxRelayHealth, RelayLoopOptions } from './outbox-relay';
import type { OutboxMapping } from './outgoing-message';
import type { Publisher } from './publisher';

/** Options of {@link createLogRelay}. */
export interface LogRelayOptions<Ev extends AnyEvent = AnyEvent> extends RelayLoopOptions {
  /** The log followed: every event of the store, in global order (`readAll` with `after` and `maxCount`). */
  readonly store: Pick<EventStore<Ev>, 'readAll'>;
  /** Where the relay keeps its position, under {@link LogRelayOptions.name}. */
  readonly checkpoints: CheckpointStore;
  /**
   * The checkpoint's name, also the relay's `owner`. Exactly one relay per name may run at a
   * time: nothing here keeps a second one off (see {@link createLogRelay}).
   */
  readonly name: string;
  /** The messages each recorded event sends: none, one or several, each with an id of its own. */
  readonly mapping: OutboxMapping<Ev>;
  readonly publisher: Publisher;
  /** Events read per pass (all their messages go in one `publish` call). Default 500. */
  readonly batchSize?: number;
  /** Wait after a pass that read no event, in ms. Default 100; {@link OutboxRelay.notify} cuts it short. */
  readonly pollMs?: number;
  /**
   * Holds the saved checkpoint back: when given, each save stores the minimum of the last
   * position read and `floor()` (`undefined`: no hold). For a caller that keeps state derived
   * from events in memory (pending timers, say): it answers a position before the oldest event
   * it still needs, so a restarted relay reads from there again. The relay itself reads on from
   * its in-memory position. The answer is used as a checkpoint, so it must be a position the
   * store accepts as `after`: on EventStoreDB `0n` or the `globalPosition` of an event it handed
   * out (the event before the oldest one needed), not that position minus one. A floor below the
   * stored checkpoint holds it where it is (a checkpoint never moves backwards); an answer that
   * is not a bigint fails the pass.
   */
  readonly floor?: () => bigint | undefined;
  /** Told about every failed pass (read, mapping, publish or checkpoint save), with the consecutive failure count. */
  readonly onError?: (error: unknown, failures: number) => void;
}

/** What {@link LogRelay.health} reports: the outbox relay's report, and where the relay is in the log. */
export interface LogRelayHealth extends OutboxRelayHealth {
  /** Messages published since creation (their checkpoint may not be saved yet). */
  readonly published: number;
  /** Checkpoint saves that failed (each a failed pass; the save is tried again first thing). */
  readonly markFailures: number;
  /** Events read and relayed since creation, those mapped to no message included. */
  readonly eventsRead: number;
  /** The position of the last event relayed (or the loaded checkpoint); unset before either. */
  readonly position?: bigint;
  /** The checkpoint last saved or loaded; unset before either. */
  readonly checkpoint?: bigint;
}

/**
 * A log relay: the {@link OutboxRelay} interface (so hosts run both relays alike), with `owner`
 * the checkpoint name and a health report that says where it is in the log.
 */
export interface LogRelay extends OutboxRelay {
  /** The checkpoint name. */
  readonly owner: string;
  /**
   * One pass by hand: read up to `batchSize` events after the position, publish their messages,
   * save the checkpoint. Answers how many messages were published (0 for a batch mapped to no
   * message, which still moves the checkpoint on). Rejects while the background loop runs.
   */
  runOnce(): Promise<number>;
  /** Passes by hand until one reads no event. Answers how many messages were published. */
  drain(): Promise<number>;
  health(): LogRelayHealth;
}

const positiveInteger = (path: string, value: number): number => {
  if (!Number.isInteger(value) || value <= 0) throw invalidOptionError(path, 'a positive integer', value);
  return value;
};

const isFunction = (value: unknown): boolean => typeof value === 'function';

/** What one pass did. */
interface Pass {
  readonly events: number;
  readonly messages: number;
}

/**
 * The relay of stores whose log is itself the outbox (EventStoreDB, which has no multi-stream
 * transaction to write an outbox in): it follows the store's global log from a stored checkpoint
 * and publishes the messages `mapping` derives from each event, on the kernel's worker loop.
 *
 * A pass reads up to `batchSize` events after its position, maps them, publishes all their
 * messages in log order (one `publish` call, none for a batch mapped to nothing), then saves the
 * checkpoint at the last event read, also when the batch sent no message, so a quiet log moves
 * on. The first pass loads the checkpoint (none: from the start of the log).
 *
 * - **At least once, in log order** (so in per-stream order). A failed read, mapping or publish
 *   saves nothing and the loop retries the same batch after the backoff. A crash between publish
 *   and save publishes the batch again after a restart: duplicates, never gaps; consumers dedup
 *   by message id (an inbox). A checkpoint save that fails (a store that refuses it as stale, or
 *   is down) fails the pass; the relay has published the batch already and moves on in memory,
 *   so the next pass saves first and only then reads on (an unsaved batch is published again
 *   only after a restart).
 * - **`floor`** holds the saved checkpoint back while reading goes on (see
 *   {@link LogRelayOptions.floor}); a restart reads again from the held checkpoint.
 * - **One relay per checkpoint name.** Unlike {@link createOutboxRelay} there is no lease or
 *   claim: two relays under one name both publish every event (duplicates, and across the two
 *   an older message may arrive after a newer one). Run a single instance. On EventStoreDB,
 *   sharing the work between instances needs a persistent subscription or a lease, which this
 *   relay does not provide.
 * - **Polling**: it wakes after `pollMs` when it found nothing, or at once on `notify()`; it does
 *   not use `subscribeToAll`. It relays every event of the store (no tenant filter).
 *
 * The loop, `start`/`stop`/`notify`/`runOnce`/`drain`/`health` behave as in
 * {@link createOutboxRelay}: `stop()` lets the pass in flight finish (published and saved) and is
 * final. Passes never overlap, by hand or in the loop.
 *
 * Bad options (`name` not a non-empty string; `store` without `readAll`; `checkpoints` without
 * `load`/`save`; `mapping` or `floor` not a function; `publisher` without `publish`; `batchSize`
 * not a positive integer; `pollMs` not a finite number >= 0) throw an `InvalidInputError` with
 * code `invalid_options` and one issue naming the option.
 */
export const createLogRelay = <Ev extends AnyEvent = AnyEvent>(options: LogRelayOptions<Ev>): LogRelay => {
  const { store, checkpoints, name, mapping, publisher, floor, onError } = options;
  if (typeof name !== 'string' || name === '') throw invalidOptionError('name', 'a non-empty string', name);
  if (!isFunction((store as { readAll?: unknown } | undefined)?.readAll))
    throw invalidOptionError('store', 'an event store (with readAll)', store);
  const checkpointMethods = checkpoints as { load?: unknown; save?: unknown } | undefined;
  if (!isFunction(checkpointMethods?.load) || !isFunction(checkpointMethods?.save))
    throw invalidOptionError('checkpoints', 'a checkpoint store (with load and save)', checkpoints);
  if (!isFunction(mapping)) throw invalidOptionError('mapping', 'a function (an OutboxMapping)', mapping);
  if (!isFunction((publisher as { publish?: unknown } | undefined)?.publish))
    throw invalidOptionError('publisher', 'a publisher (with publish)', publisher);
  const batchSize = positiveInteger('batchSize', options.batchSize ?? 500);
  const pollMs = options.pollMs ?? 100;
  if (typeof pollMs !== 'number' || !Number.isFinite(pollMs) || pollMs < 0)
    throw invalidOptionError('pollMs', 'a finite number >= 0', pollMs);
  if (floor !== undefined && !isFunction(floor))
    throw invalidOptionError('floor', 'a function answering a position or undefined', floor);

  let loaded = false;
  /** The position read up to, in memory: reading goes on from here, whatever the checkpoint. */
  let position: bigint | undefined;
  /** The checkpoint last saved or loaded. */
  let saved: bigint | undefined;
  /** True after a failed save: the next pass saves before it reads on. */
  let unsaved = false;
  let published = 0;
  let eventsRead = 0;
  let saveFailures = 0;
  let stopped = false;
  /** The pass in flight (by hand or in the loop): passes run one after the other. */
  let tail: Promise<unknown> = Promise.resolve();

  /** The checkpoint to store now: the position, held back by the floor. */
  const target = (): bigint | undefined => {
    if (position === undefined || floor === undefined) return position;
    const held = floor();
    if (held === undefined) return position;
    if (typeof held !== 'bigint')
      throw invalidOptionError('floor', 'a function answering a position (bigint) or undefined', held);
    return held < position ? held : position;
  };

  const save = async (): Promise<void> => {
    unsaved = true;
    const at = target();
    if (at !== undefined && at >= 0n && (saved === undefined || at > saved)) {
      try {
        await checkpoints.save(name, at);
      } catch (error) {
        saveFailures += 1;
        throw error;
      }
      saved = at;
    }
    unsaved = false;
  };

  const pass = async (): Promise<Pass> => {
    if (!loaded) {
      const stored = await checkpoints.load(name);
      position = stored;
      saved = stored;
      loaded = true;
    }
    // Bounded unsaved progress: a batch whose save failed is saved before the next is read.
    if (unsaved) await save();
    const events = await store.readAll({
      ...(position === undefined ? {} : { after: position }),
      maxCount: batchSize,
    });
    const last = events[events.length - 1];
    let messages = 0;
    if (last !== undefined) {
      const batch = events.flatMap((event) => mapping(event));
      if (batch.length > 0) await publisher.publish(batch);
      messages = batch.length;
      position = last.globalPosition;
      published += messages;
      eventsRead += events.length;
    }
    // Also after an empty read: a floor that let go moves a quiet log's checkpoint on.
    await save();
    return { events: events.length, messages };
  };

  const serially = (): Promise<Pass> => {
    const run = tail.then(pass, pass);
    tail = run.catch(() => undefined);
    return run;
  };

  const loop = createWorkerLoop({
    name: `log-relay:${name}`,
    step: async () => (await serially()).events,
    idleMs: pollMs,
    ...(options.backoff === undefined ? {} : { backoff: options.backoff }),
    ...(options.random === undefined ? {} : { random: options.random }),
    ...(options.wait === undefined ? {} : { wait: options.wait }),
    ...(onError === undefined ? {} : { onError }),
    ...(options.clock === undefined ? {} : { clock: options.clock }),
  });

  const byHand = async (): Promise<Pass> => {
    if (loop.running) throw new Error(`the log relay ${name} runs its loop; stop it before relaying by hand`);
    return serially();
  };

  return {
    owner: name,
    start() {
      if (stopped) throw new Error(`the log relay ${name} was stopped; create a new one`);
      loop.start();
    },
    async stop() {
      stopped = true;
      await loop.stop();
      await tail;
    },
    notify: () => loop.wake(),
    runOnce: async () => (await byHand()).messages,
    drain: async () => {
      let total = 0;
      for (let step = await byHand(); step.events > 0; step = await byHand()) total += step.messages;
      return total;
    },
    published: () => published,
    get running() {
      return loop.running;
    },
    health: () => ({
      ...loop.health(),
      published,
      markFailures: saveFailures,
      eventsRead,
      ...(position === undefined ? {} : { position }),
      ...(saved === undefined ? {} : { checkpoint: saved }),
    }),
  };
};
