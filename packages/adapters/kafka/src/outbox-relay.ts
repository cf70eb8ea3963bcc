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
  /** The owner id this relay claims with (pipelined: the prefix of its three owner ids). */
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

/** A claimed batch and the owner id it was claimed under. */
interface Claim {
  readonly owner: string;
  readonly messages: ReadonlyArray<OutboxMessage>;
}

/** Owner ids a pipelined relay rotates through (see {@link createKafkaOutboxRelay}). */
const PIPELINE_SLOTS = 3;
/**
 * Batches published without claiming ahead after a claim ahead came back empty: the first pause,
 * doubled after every further empty claim ahead up to the last value, reset by a fruitful one.
 */
const AHEAD_PAUSE = { first: 8, max: 128 } as const;

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
 * Pipelining (default on): while batch k is being published, the relay already claims batch k+1,
 * and marks batch k while batch k+1 is published, so the outbox's round trips overlap Kafka's.
 * Publishing itself stays one batch at a time, in claim order. Each batch is claimed under the
 * next of three owner ids (`<owner>#0..2`), so the port's rule "no later message of a stream
 * another owner holds" keeps batch k+1 free of the streams still held in batch k, for any
 * conforming outbox; a slot is claimed again only after its previous batch's mark finished.
 * When a claim ahead comes back empty (a few hot streams, all held by the batch in flight), the
 * relay stops claiming ahead for the next 8 batches (16, 32... up to 128 while claims ahead keep
 * coming back empty); those claims wait for the previous mark, so that they find the streams it
 * frees.
 * `pipeline: false` runs plain `relayOnce` passes under `owner`.
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
    const slots = Array.from({ length: PIPELINE_SLOTS }, (_, i) => `${owner}#${i}`);
    /** The mark in flight per slot; a slot claims again only once it settled. */
    const marks = new Map<string, Promise<void>>();
    let slot = 0;
    /**
     * Claims under the next slot. `ahead`: while another batch is held (its streams are skipped,
     * so an empty answer proves nothing); otherwise only once every mark settled, so that an
     * empty answer means this relay holds nothing the claim could have skipped.
     */
    const take = async (ahead: boolean): Promise<Claim & { readonly ahead: boolean }> => {
      const slotOwner = slots[slot++ % slots.length]!;
      await (ahead ? marks.get(slotOwner) : Promise.all(marks.values()));
      const messages = await outbox.claim({ owner: slotOwner, batchSize, leaseMs });
      return { owner: slotOwner, messages, ahead };
    };
    const giveBack = async (claims: ReadonlyArray<Claim | undefined>) => {
      await Promise.all(
        claims.map((c) =>
          c === undefined || c.messages.length === 0
            ? undefined
            : outbox
                .release(
                  c.owner,
                  c.messages.map((m) => m.id),
                )
                .catch(() => undefined),
        ),
      );
    };
    let failures = 0;
    let skipAhead = 0;
    let aheadPause: number = AHEAD_PAUSE.first;
    let current: (Claim & { readonly ahead: boolean }) | undefined;
    let next: Promise<Claim & { readonly ahead: boolean }> | undefined;
    while (!signal.aborted) {
      try {
        current ??= await (next ?? take(false));
        next = undefined;
        if (current.messages.length === 0) {
          const ahead = current.ahead;
          current = undefined;
          // Claimed ahead while a batch was held: everything left may belong to its streams (a
          // few hot streams). Claim again at once, after its mark, and stop claiming ahead for a
          // while: a claim that finds every stream held walks all unpublished messages for nothing.
          if (ahead) {
            skipAhead = aheadPause;
            aheadPause = Math.min(aheadPause * 2, AHEAD_PAUSE.max);
          } else await idle(pollMs, signal);
          continue;
        }
        if (current.ahead) aheadPause = AHEAD_PAUSE.first;
        if (skipAhead > 0) {
          skipAhead -= 1;
        } else {
          // Claim the next batch while this one is published.
          next = take(true);
          next.catch(() => undefined);
        }
        await publisher.publish(current.messages);
        const done = current;
        current = undefined;
        failures = 0;
        marks.set(
          done.owner,
          outbox
            .markPublished(
              done.owner,
              done.messages.map((m) => m.id),
            )
            .then(
              () => {
                published += done.messages.length;
              },
              // Unmarked messages are republished once their lease ends: duplicates, not losses.
              (error: unknown) => options.onError?.(error, 0),
            ),
        );
      } catch (error) {
        const pending = next;
        next = undefined;
        await giveBack([current, await pending?.catch(() => undefined)]);
        current = undefined;
        failures += 1;
        options.onError?.(error, failures);
        await idle(backoffDelay(failures, errorBackoff), signal);
      }
    }
    // Stopping: give back what was claimed but not published, and let the marks finish.
    await giveBack([current, await next?.catch(() => undefined)]);
    await Promise.all(marks.values());
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
