import { invalidOptionError } from '../model/errors';
import type { BackoffPolicy } from '../runtime/backoff';
import type { Clock } from '../runtime/clock';
import type { Wait } from '../runtime/wait';
import { createWorkerLoop, type WorkerHealth } from '../runtime/worker-loop';
import type { Outbox } from './outbox';
import type { OutboxMessage } from './outgoing-message';
import type { Publisher } from './publisher';
import { relayOnce } from './relay-once';

/** Options of {@link createOutboxRelay}. */
export interface OutboxRelayOptions extends RelayLoopOptions {
  readonly outbox: Outbox;
  readonly publisher: Publisher;
  /**
   * This relay's lease owner id: unique per running relay (host + pid + a random suffix, say).
   * A relay restarted under the same name gets its unmarked claims back.
   */
  readonly owner: string;
  /** Messages per `publish` call. Default 100. A pipelining relay claims two batches at a time. */
  readonly batchSize?: number;
  /**
   * How long a claim keeps other relays off the claimed streams, in ms. Default 30 000. It must
   * comfortably exceed one publish (with the publisher's own retries): when a lease runs out
   * mid-publish, another relay may publish the same messages again (duplicates, which the inbox
   * absorbs; order still holds).
   */
  readonly leaseMs?: number;
  /** Wait after a pass that found nothing to publish, in ms. Default 200; {@link OutboxRelay.notify} cuts it short. */
  readonly pollMs?: number;
  /**
   * Overlap claiming and marking with publishing: `true` (the default) keeps two claims made
   * ahead of the one being published, a number keeps that many, `false` (or 0) runs plain
   * `relayOnce` passes. See {@link createOutboxRelay}.
   */
  readonly pipeline?: boolean | number;
  /**
   * Told about every failed pass, with the consecutive failure count (0 for a failed mark, which
   * only delays: those messages are published again). The relay keeps retrying either way.
   */
  readonly onError?: (error: unknown, failures: number) => void;
}

/** How a relay's loop waits and backs off: the options both relays (outbox and log) take. */
export interface RelayLoopOptions {
  /** Wait after a failed pass, growing per consecutive failure. Default 200 ms doubling up to 5 s, jitter 0.2. */
  readonly backoff?: BackoffPolicy;
  /** How the loop waits. Default: the runtime's `setTimeout`. */
  readonly wait?: Wait;
  /** Stamps the health report's times; without it they stay unset. */
  readonly clock?: Clock;
  /** The backoff's jitter source, numbers in [0, 1). Default: a sequence seeded by the relay's name. */
  readonly random?: () => number;
}

/** What {@link OutboxRelay.health} reports: its loop's health, and what it relayed. */
export interface OutboxRelayHealth extends WorkerHealth {
  /** Messages published and marked since creation. */
  readonly published: number;
  /** Marks that failed (their messages are published again). */
  readonly markFailures: number;
}

/** An outbox relay: a background loop (`start`/`stop`), or passes by hand (`runOnce`/`drain`). */
export interface OutboxRelay {
  /** The owner id this relay claims with. */
  readonly owner: string;
  /** Starts the background loop (idempotent). Throws once the relay was stopped. */
  start(): void;
  /**
   * Ends the loop: the pass in flight finishes (its batches published and marked), the marks in
   * flight are awaited, and claims made ahead are given back so another relay can take them at
   * once. Final: a stopped relay cannot be started again.
   */
  stop(): Promise<void>;
  /** Wakes an idle loop at once (after an append, say); a wake-up during a pass is not lost. */
  notify(): void;
  /**
   * One pass by hand, the kernel's `relayOnce`: claim, publish, mark. Answers how many messages
   * were published. Rejects while the background loop runs (the pass would hand the loop's own
   * claims out again).
   */
  runOnce(): Promise<number>;
  /** Passes by hand until one finds nothing to publish. Answers how many messages were published. */
  drain(): Promise<number>;
  /** Messages published and marked since creation. */
  published(): number;
  /** True between `start()` and the end of `stop()`. */
  readonly running: boolean;
  health(): OutboxRelayHealth;
}

/** Claims a pipelining relay keeps made ahead of the one it publishes (`pipeline: true`). */
const DEFAULT_AHEAD_DEPTH = 2;
/**
 * Batches a pipelining relay claims at once (published `batchSize` at a time): fewer, larger
 * claims keep the claims ahead answered before the publishes need them.
 */
const BATCHES_PER_CLAIM = 2;

const positiveInteger = (path: string, value: number): number => {
  if (!Number.isInteger(value) || value <= 0) throw invalidOptionError(path, 'a positive integer', value);
  return value;
};

const positiveMs = (path: string, value: number): number => {
  if (typeof value !== 'number' || !Number.isFinite(value) || value <= 0)
    throw invalidOptionError(path, 'a positive number of milliseconds', value);
  return value;
};

const aheadDepth = (pipeline: boolean | number | undefined): number => {
  if (pipeline === undefined || pipeline === true) return DEFAULT_AHEAD_DEPTH;
  if (pipeline === false) return 0;
  if (!Number.isInteger(pipeline) || pipeline < 0)
    throw invalidOptionError('pipeline', 'a boolean or an integer >= 0 (claims kept ahead)', pipeline);
  return pipeline;
};

/**
 * The outbox relay: moves outbox messages to a publisher at least once and in per-stream order,
 * on the kernel's `Outbox` and `Publisher` ports, run by the kernel's worker loop. Every adapter
 * relays with it: the Kafka adapter supplies a publisher, the PostgreSQL adapter an outbox.
 *
 * A pass claims messages under a lease, publishes them (one `publish` per `batchSize`, waiting
 * for the transport's acknowledgement) and marks them published. A failed publish gives the
 * claim back and the loop retries with backoff. A crash between publish and mark publishes the
 * batch again once the lease runs out: duplicates, never losses. Several relays may run on one
 * outbox: the outbox never hands one stream's later message to a relay while an earlier one is
 * claimed by another relay, and each relay publishes its claims in claim order.
 *
 * Pipelining (default on): the relay claims two batches at a time and publishes them
 * `batchSize` messages per `publish`. While one claim is being published it keeps the next two
 * made, with `ahead: true` (the outbox leaves the earlier claims with this relay and hands out
 * what follows them, later messages of the same streams included), each claim starting once the
 * one before it is answered, and it marks each batch as soon as the publisher has it, so the
 * outbox's round trips overlap the publisher's. Publishing itself stays one batch at a time, in
 * claim order, which is what keeps each stream in order. After a failed publish, an empty claim
 * ahead or a failed mark, the relay publishes what it holds in order, waits for its marks and
 * claims without `ahead`, which hands its unmarked claims out again (published again:
 * duplicates, never gaps). `pipeline: false` runs plain `relayOnce` passes.
 *
 * Bad options (empty `owner`; `batchSize` not a positive integer; `leaseMs` not a positive
 * number; `pollMs` not a finite number >= 0; `pipeline` neither a boolean nor an integer >= 0)
 * throw an `InvalidInputError` with code `invalid_options` and one issue naming the option.
 */
export const createOutboxRelay = (options: OutboxRelayOptions): OutboxRelay => {
  const { outbox, publisher, owner } = options;
  if (typeof owner !== 'string' || owner === '') throw invalidOptionError('owner', 'a non-empty string', owner);
  const batchSize = positiveInteger('batchSize', options.batchSize ?? 100);
  const leaseMs = positiveMs('leaseMs', options.leaseMs ?? 30_000);
  const pollMs = options.pollMs ?? 200;
  if (typeof pollMs !== 'number' || !Number.isFinite(pollMs) || pollMs < 0)
    throw invalidOptionError('pollMs', 'a finite number >= 0', pollMs);
  const depth = aheadDepth(options.pipeline);
  const onError = options.onError;

  let published = 0;
  let markFailures = 0;
  let stopped = false;

  // --- The pipeline's state, kept between passes of the loop. ---
  const claimSize = batchSize * BATCHES_PER_CLAIM;
  /** Marks in flight; a claim without `ahead` waits for them (it would hand their batches out again). */
  const marks = new Set<Promise<void>>();
  /** Claims ahead are made only while every earlier batch is published or being published. */
  let inOrder = false;
  /**
   * Claims ahead, in claim order: each starts once the one before it is answered (a pass awaits a
   * claim when it takes it off the queue, so an empty queue has none in flight).
   */
  const queue: Array<Promise<ReadonlyArray<OutboxMessage>>> = [];

  const claimAhead = (): void => {
    const previous = queue[queue.length - 1]?.catch(() => undefined) ?? Promise.resolve();
    const claim = previous.then(() => outbox.claim({ owner, batchSize: claimSize, leaseMs, ahead: true }));
    claim.catch(() => undefined);
    queue.push(claim);
  };
  const claimAgain = async (): Promise<ReadonlyArray<OutboxMessage>> => {
    await Promise.all(marks);
    return outbox.claim({ owner, batchSize: claimSize, leaseMs });
  };
  const mark = (batch: ReadonlyArray<OutboxMessage>): void => {
    const done: Promise<void> = outbox
      .markPublished(
        owner,
        batch.map((m) => m.id),
      )
      .then(
        () => {
          published += batch.length;
        },
        // Unmarked messages are published again (by the next claim without `ahead`, or once
        // their lease ends): duplicates, not losses.
        (error: unknown) => {
          inOrder = false;
          markFailures += 1;
          try {
            onError?.(error, 0);
          } catch {
            // A throwing error handler must not lose the mark's bookkeeping.
          }
        },
      )
      .finally(() => marks.delete(done));
    marks.add(done);
  };
  /** Gives back what was claimed and not published, once the marks in flight are done. */
  const giveBack = async (current: ReadonlyArray<OutboxMessage> | undefined): Promise<void> => {
    const claimed = await Promise.all(queue.splice(0).map((c) => c.catch(() => [])));
    await Promise.all(marks);
    const ids = [current ?? [], ...claimed].flatMap((batch) => batch.map((m) => m.id));
    if (ids.length > 0) await outbox.release(owner, ids).catch(() => undefined);
  };

  /** One pass of the pipeline: publishes one claim (answers how many), or 0 when the outbox is empty. */
  const pipelinedPass = async (signal: AbortSignal): Promise<number> => {
    let current: ReadonlyArray<OutboxMessage> | undefined;
    try {
      for (;;) {
        const ahead = queue.shift();
        current = await (ahead ?? claimAgain());
        if (current.length > 0) {
          if (ahead === undefined) inOrder = true;
          break;
        }
        current = undefined;
        // An empty claim without `ahead`: the outbox has nothing for this relay, go idle.
        if (ahead === undefined) return 0;
        // An empty claim ahead: nothing follows the claims before it. Once those are published,
        // claim again without `ahead` (after their marks), which goes idle when empty.
        if (queue.length === 0) inOrder = false;
        if (signal.aborted) return 0;
      }
      // Keep the next claims made while this one is published.
      while (inOrder && queue.length < depth) claimAhead();
      // Published `batchSize` at a time, in order; each part marked once the publisher has it.
      for (let at = 0; at < current.length; at += batchSize) {
        const chunk = current.length <= batchSize ? current : current.slice(at, at + batchSize);
        await publisher.publish(chunk);
        mark(chunk);
      }
      return current.length;
    } catch (error) {
      inOrder = false;
      await giveBack(current);
      throw error;
    }
  };

  const runOnce = async (): Promise<number> => {
    const count = await relayOnce(outbox, publisher, { owner, batchSize, leaseMs });
    published += count;
    return count;
  };

  const loop = createWorkerLoop({
    name: `outbox-relay:${owner}`,
    step: depth === 0 ? runOnce : pipelinedPass,
    idleMs: pollMs,
    ...(options.backoff === undefined ? {} : { backoff: options.backoff }),
    ...(options.random === undefined ? {} : { random: options.random }),
    ...(options.wait === undefined ? {} : { wait: options.wait }),
    ...(onError === undefined ? {} : { onError }),
    ...(options.clock === undefined ? {} : { clock: options.clock }),
  });

  const byHand = async (): Promise<number> => {
    if (loop.running) throw new Error(`the outbox relay ${owner} runs its loop; stop it before relaying by hand`);
    return runOnce();
  };

  return {
    owner,
    start() {
      if (stopped) throw new Error(`the outbox relay ${owner} was stopped; create a new one`);
      loop.start();
    },
    async stop() {
      stopped = true;
      await loop.stop();
      // Give back what was claimed ahead and not published, and let the marks finish.
      await giveBack(undefined);
    },
    notify: () => loop.wake(),
    runOnce: byHand,
    drain: async () => {
      let total = 0;
      for (let n = await byHand(); n > 0; n = await byHand()) total += n;
      return total;
    },
    published: () => published,
    get running() {
      return loop.running;
    },
    health: () => ({ ...loop.health(), published, markFailures }),
  };
};
