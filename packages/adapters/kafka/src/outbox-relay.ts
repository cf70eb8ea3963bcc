import { randomUUID } from 'node:crypto';
import { InvalidInputError, type Outbox, type OutboxMessage, type Publisher, relayOnce } from '@ordo/kernel';
import type { Kafka } from 'kafkajs';
import { type BackoffPolicy, backoffDelay, sleep } from './backoff';
import { createKafkaPublisher, type KafkaPublisherOptions } from './kafka-publisher';
import { positiveIntegerOption } from './option-checks';

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

const positiveInteger = (value: number, path: string): number =>
  positiveIntegerOption('invalid_relay_option', value, path);

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
 * Pipelining (default on): while batch k is being published, the relay already claims batch k+1
 * with `ahead: true` (the outbox keeps batch k with this relay and hands out what follows it,
 * later messages of the same streams included), and marks batch k while batch k+1 is published,
 * so the outbox's round trips overlap Kafka's. Publishing itself stays one batch at a time, in
 * claim order, which is what keeps each stream in order. After a failure, an empty claim ahead
 * or a failed mark, the relay waits for its marks in flight and claims without `ahead`, which
 * hands its unmarked claims out again (republished: duplicates, never gaps).
 * `pipeline: false` runs plain `relayOnce` passes.
 */
export const createKafkaOutboxRelay = (options: KafkaOutboxRelayOptions): KafkaOutboxRelay => {
  const owner = options.owner ?? `kafka-relay-${randomUUID()}`;
  if (owner === '')
    throw new InvalidInputError('invalid_relay_option', 'owner must not be empty', [
      { path: 'owner', expected: 'non-empty string', actual: owner },
    ]);
  const batchSize = positiveInteger(options.batchSize ?? 500, 'batchSize');
  const leaseMs = positiveInteger(options.leaseMs ?? 60_000, 'leaseMs');
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
    /** Marks in flight; a claim without `ahead` waits for them (it would hand their batches out again). */
    const marks = new Set<Promise<void>>();
    /** Claims ahead are allowed only while every earlier batch is published or being published. */
    let inOrder = false;
    const take = async (ahead: boolean): Promise<ReadonlyArray<OutboxMessage>> => {
      if (!ahead) await Promise.all(marks);
      return outbox.claim({ owner, batchSize, leaseMs, ahead });
    };
    const giveBack = async (claims: ReadonlyArray<ReadonlyArray<OutboxMessage> | undefined>) => {
      await Promise.all(marks);
      const ids = claims.flatMap((c) => (c === undefined ? [] : c.map((m) => m.id)));
      if (ids.length > 0) await outbox.release(owner, ids).catch(() => undefined);
    };
    /** Published and not yet marked: marked once the claim ahead issued after it is answered. */
    let unmarked: ReadonlyArray<OutboxMessage> | undefined;
    const flushMark = (after?: Promise<unknown>) => {
      const batch = unmarked;
      unmarked = undefined;
      if (batch === undefined) return;
      const run = () =>
        outbox.markPublished(
          owner,
          batch.map((m) => m.id),
        );
      const done: Promise<void> = (after === undefined ? run() : after.then(run, run))
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
    let failures = 0;
    let current: ReadonlyArray<OutboxMessage> | undefined;
    let next: Promise<ReadonlyArray<OutboxMessage>> | undefined;
    while (!signal.aborted) {
      try {
        if (current === undefined) {
          const ahead = next !== undefined;
          // A plain claim waits for every mark: the pending one must be among them.
          if (!ahead) flushMark();
          current = await (next ?? take(false));
          next = undefined;
          if (current.length === 0) {
            current = undefined;
            inOrder = false;
            // An empty claim ahead only says that nothing follows the batch just published;
            // claim again at once (without `ahead`, after its mark). An empty plain claim: idle.
            if (!ahead) await idle(pollMs, signal);
            continue;
          }
          inOrder = true;
        }
        // Claim the next batch while this one is published.
        if (inOrder) {
          next = take(true);
          next.catch(() => undefined);
        }
        // Mark the previous batch after that claim is answered: both lock the same buckets, and
        // the claim is what the next publish waits for.
        flushMark(next);
        await publisher.publish(current);
        failures = 0;
        unmarked = current;
        current = undefined;
      } catch (error) {
        flushMark();
        const pending = next;
        next = undefined;
        inOrder = false;
        await giveBack([current, await pending?.catch(() => undefined)]);
        current = undefined;
        failures += 1;
        options.onError?.(error, failures);
        await idle(backoffDelay(failures, errorBackoff), signal);
      }
    }
    // Stopping: mark what was published, give back what was claimed but not published, and let
    // the marks finish.
    flushMark();
    const pending = next;
    next = undefined;
    await giveBack([current, await pending?.catch(() => undefined)]);
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
