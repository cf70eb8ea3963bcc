import { randomUUID } from 'node:crypto';
import { type Outbox, type OutboxMessage, type Publisher, relayOnce } from '@ordo/kernel';
import type { Kafka } from 'kafkajs';
import { createKafkaPublisher, type KafkaPublisherOptions } from '../publisher/kafka-publisher';
import { type BackoffPolicy, backoffDelay, sleep } from '../runtime/backoff';
import { invalidOption, positiveIntegerOption } from '../runtime/option-checks';

/** Options shared by both ways of building a relay. */
interface RelayCommonOptions {
  readonly outbox: Outbox;
  /** This relay's lease owner id; must differ between relays. Default `kafka-relay-<uuid>`. */
  readonly owner?: string;
  /** Messages claimed and published per pass (one `sendBatch`). Default 500. */
  readonly batchSize?: number;
  /**
   * How long a claim lasts. Must comfortably exceed one publish (including kafkajs' retries,
   * about 15 s by default): when a lease runs out mid-publish, another relay may publish the same
   * messages again (duplicates, which the inbox absorbs). Default 60 000 ms.
   */
  readonly leaseMs?: number;
  /** Wait after a pass that found nothing to publish. Default 100 ms; {@link KafkaOutboxRelay.notify} cuts it short. */
  readonly pollMs?: number;
  /** Wait after a failed pass (broker or database down), growing per consecutive failure. Default 200 ms up to 5 s. */
  readonly errorBackoff?: BackoffPolicy;
  /**
   * Called on every failed pass with the consecutive failure count (0 for a failed mark, which
   * only delays: those messages are republished once their lease ends). Default: nothing, the
   * relay keeps retrying.
   */
  readonly onError?: (error: unknown, failures: number) => void;
  /** Overlap claiming and marking with publishing (see {@link createKafkaOutboxRelay}). Default true. */
  readonly pipeline?: boolean;
}

/** Options of {@link createKafkaOutboxRelay}: an outbox plus a publisher, or a kafkajs client to make one from. */
export type KafkaOutboxRelayOptions = RelayCommonOptions &
  (
    | { readonly publisher: Publisher }
    | ({ readonly publisher?: undefined } & Omit<KafkaPublisherOptions, 'kafka'> & { readonly kafka: Kafka })
  );

/** A running (or runnable) outbox relay. */
export interface KafkaOutboxRelay {
  /** The owner id this relay claims with. */
  readonly owner: string;
  /** Starts the background loop (idempotent). */
  start(): void;
  /** Ends the loop after the pass in progress, then closes the publisher it created. Final: no restart. */
  stop(): Promise<void>;
  /** Wakes an idle loop at once (e.g. after an append). */
  notify(): void;
  /** One pass by hand: claim, publish, mark. Answers how many messages were published. */
  runOnce(): Promise<number>;
  /** Messages published since creation. */
  published(): number;
}

/** Claims a pipelining relay keeps made ahead of the one it publishes. */
const AHEAD_DEPTH = 2;
/**
 * Batches a pipelining relay claims at once (published `batchSize` at a time): fewer, larger
 * claims keep the claims ahead answered before the publishes need them.
 */
const BATCHES_PER_CLAIM = 2;

/**
 * Moves outbox messages to Kafka, at least once and in per-stream order, with the semantics of
 * the kernel's `relayOnce`: claim a batch under a lease, publish it with one `sendBatch` and wait
 * for every acknowledgement (`acks: -1`), then mark it published. A failed publish gives the
 * batch back and the loop retries with backoff. A crash between publish and mark republishes the
 * batch after the lease runs out: duplicates, never losses.
 *
 * Several relays may run on one outbox: the outbox never hands one stream's later message to a
 * relay while an earlier one is claimed by another relay, and Kafka keeps one key's messages in
 * order within its partition.
 *
 * Pipelining (default on): the relay claims two batches at a time and publishes them `batchSize`
 * messages per `sendBatch`. While one claim is being published it keeps the next two made, with
 * `ahead: true` (the outbox leaves the earlier claims with this relay and hands out what follows
 * them, later messages of the same streams included), each claim starting once the one before
 * it is answered, and it marks each batch as soon as Kafka has it, so the outbox's round trips
 * overlap Kafka's. Publishing itself stays one batch at a time, in claim order, which is what
 * keeps each stream in order. After a failure, an empty claim ahead or a failed mark, the relay
 * publishes what it holds in order, waits for its marks and claims without `ahead`, which hands
 * its unmarked claims out again (republished: duplicates, never gaps).
 * `pipeline: false` runs plain `relayOnce` passes.
 *
 * Bad options (empty `owner`, `batchSize` or `leaseMs` not a positive integer) throw an
 * `InvalidInputError` with code `invalid_options` and one issue naming the option.
 */
export const createKafkaOutboxRelay = (options: KafkaOutboxRelayOptions): KafkaOutboxRelay => {
  const owner = options.owner ?? `kafka-relay-${randomUUID()}`;
  if (owner === '') throw invalidOption('owner', 'non-empty string', owner, 'must not be empty');
  const batchSize = positiveIntegerOption(options.batchSize ?? 500, 'batchSize');
  const leaseMs = positiveIntegerOption(options.leaseMs ?? 60_000, 'leaseMs');
  const pollMs = Math.max(0, options.pollMs ?? 100);
  const errorBackoff = options.errorBackoff ?? { initialMs: 200, maxMs: 5_000, jitter: 0.2 };
  const pipeline = options.pipeline ?? true;
  const ownedPublisher = options.publisher === undefined ? createKafkaPublisher(options) : undefined;
  const publisher: Publisher = options.publisher ?? ownedPublisher!;
  const outbox = options.outbox;

  let published = 0;
  let running: Promise<void> | undefined;
  let stopped = false;
  const stopping = new AbortController();
  let wake = new AbortController();

  const runOnce = async (): Promise<number> => {
    const count = await relayOnce(outbox, publisher, { owner, batchSize, leaseMs });
    published += count;
    return count;
  };

  const idle = async (ms: number, signal: AbortSignal) => {
    await sleep(ms, AbortSignal.any([signal, wake.signal]));
    if (wake.signal.aborted) wake = new AbortController();
  };

  const simpleLoop = async (signal: AbortSignal): Promise<void> => {
    let failures = 0;
    while (!signal.aborted) {
      let wait: number;
      try {
        const count = await runOnce();
        failures = 0;
        // A short pass does not prove the outbox empty (claims skip streams held by other
        // relays), so only an empty pass waits.
        wait = count === 0 ? pollMs : 0;
      } catch (error) {
        failures += 1;
        options.onError?.(error, failures);
        wait = backoffDelay(failures, errorBackoff);
      }
      if (wait > 0) await idle(wait, signal);
    }
  };

  const pipelinedLoop = async (signal: AbortSignal): Promise<void> => {
    const claimSize = batchSize * BATCHES_PER_CLAIM;
    /** Marks in flight; a claim without `ahead` waits for them (it would hand their batches out again). */
    const marks = new Set<Promise<void>>();
    /** Claims ahead are made only while every earlier batch is published or being published. */
    let inOrder = false;
    /**
     * Claims ahead, in claim order: each starts once the one before it is answered (the loop
     * awaits a claim when it takes it off the queue, so an empty queue has none in flight).
     */
    const queue: Array<Promise<ReadonlyArray<OutboxMessage>>> = [];
    const claimAhead = () => {
      const previous = queue[queue.length - 1]?.catch(() => undefined) ?? Promise.resolve();
      const claim = previous.then(() => outbox.claim({ owner, batchSize: claimSize, leaseMs, ahead: true }));
      claim.catch(() => undefined);
      queue.push(claim);
    };
    const claimAgain = async () => {
      await Promise.all(marks);
      return outbox.claim({ owner, batchSize: claimSize, leaseMs });
    };
    const mark = (batch: ReadonlyArray<OutboxMessage>) => {
      const done: Promise<void> = outbox
        .markPublished(
          owner,
          batch.map((m) => m.id),
        )
        .then(
          () => {
            published += batch.length;
          },
          // Unmarked messages are republished (by the next claim without `ahead`, or once their
          // lease ends): duplicates, not losses.
          (error: unknown) => {
            inOrder = false;
            options.onError?.(error, 0);
          },
        )
        .finally(() => marks.delete(done));
      marks.add(done);
    };
    /** Gives back what was claimed and not published, once the marks in flight are done. */
    const giveBack = async (current: ReadonlyArray<OutboxMessage> | undefined) => {
      const claimed = await Promise.all(queue.splice(0).map((c) => c.catch(() => [])));
      await Promise.all(marks);
      const ids = [current ?? [], ...claimed].flatMap((batch) => batch.map((m) => m.id));
      if (ids.length > 0) await outbox.release(owner, ids).catch(() => undefined);
    };
    let failures = 0;
    let current: ReadonlyArray<OutboxMessage> | undefined;
    while (!signal.aborted) {
      try {
        if (current === undefined) {
          const ahead = queue.shift();
          current = await (ahead ?? claimAgain());
          if (current.length === 0) {
            current = undefined;
            // An empty claim ahead: nothing follows the claims before it. Once those are
            // published, claim again without `ahead` (after their marks), which idles when empty.
            if (ahead === undefined) await idle(pollMs, signal);
            else if (queue.length === 0) inOrder = false;
            continue;
          }
          if (ahead === undefined) inOrder = true;
        }
        // Keep the next claims made while this one is published.
        while (inOrder && queue.length < AHEAD_DEPTH) claimAhead();
        // Published `batchSize` at a time, in order; each part marked once Kafka has it.
        for (let at = 0; at < current.length; at += batchSize) {
          const chunk = current.length <= batchSize ? current : current.slice(at, at + batchSize);
          await publisher.publish(chunk);
          failures = 0;
          mark(chunk);
        }
        current = undefined;
      } catch (error) {
        inOrder = false;
        await giveBack(current);
        current = undefined;
        failures += 1;
        options.onError?.(error, failures);
        await idle(backoffDelay(failures, errorBackoff), signal);
      }
    }
    // Stopping: give back what was claimed but not published, and let the marks finish.
    await giveBack(current);
  };

  return {
    owner,
    start() {
      if (stopped) throw new Error(`the outbox relay ${owner} was stopped; create a new one`);
      if (running !== undefined) return;
      running = (pipeline ? pipelinedLoop : simpleLoop)(stopping.signal);
    },
    async stop() {
      stopped = true;
      stopping.abort();
      const current = running;
      running = undefined;
      await current;
      await ownedPublisher?.close();
    },
    notify() {
      wake.abort();
    },
    runOnce,
    published: () => published,
  };
};
