import type { BatchInbox, IncomingMessage } from '@ordo/kernel';
import {
  type DecodedMessage,
  handleWithRetries,
  pauseAfterInfrastructureError,
  position,
  type ProcessOutcome,
  type ProcessorDeps,
  type RawKafkaMessage,
} from './message-processor';

/** One message of a chunk as a batch handler gets it. */
export interface BatchMessage<A> {
  readonly event: A;
  /** The message: id, key, type, decoded payload, headers (strings), attempt (1 in a chunk). */
  readonly message: IncomingMessage;
  readonly offset: string;
}

/** What a batch handler gets besides the messages: the chunk's transaction and its partition. */
export interface BatchContext<Tx> {
  /** The inbox transaction of the chunk: write the effects through it. */
  readonly tx: Tx;
  readonly topic: string;
  readonly partition: number;
}

/** Applies the fresh messages of one chunk, in partition order, through `context.tx`. */
export type BatchHandler<A, Tx> = (
  messages: ReadonlyArray<BatchMessage<A>>,
  context: BatchContext<Tx>,
) => Promise<void>;

/** What {@link processChunk} works with: the single-message deps, an inbox with `handleBatch`. */
export interface ChunkDeps<A, Tx> extends ProcessorDeps<A, Tx> {
  readonly inbox: BatchInbox<Tx>;
  /** The batch handler; without it, `handle` runs for each fresh message of the chunk in turn. */
  readonly handleBatch?: BatchHandler<A, Tx>;
}

/** A decoded message of a chunk. The ids of one chunk are distinct. */
export interface ChunkItem<A> {
  readonly raw: RawKafkaMessage;
  readonly decoded: DecodedMessage<A>;
}

/** How a finished message ended (never `aborted`). */
export type FinishedOutcome = Exclude<ProcessOutcome, { readonly kind: 'aborted' }>;

/** What {@link processChunk} reports to the partition loop. */
export interface ChunkHooks {
  /** A message is finished (its effect committed, a duplicate, or dead-lettered), in offset order. */
  readonly finished: (raw: RawKafkaMessage, outcome: FinishedOutcome) => void;
  /** Called after each committed step (commit offsets, heartbeat); `false` stops the partition. */
  readonly between: () => Promise<boolean>;
  /** Called after each chunk transaction that committed. */
  readonly chunkCommitted?: (size: number) => void;
}

type ChunkTry =
  | { readonly kind: 'committed'; readonly fresh: ReadonlySet<string> | 'all' }
  | { readonly kind: 'failed'; readonly index: number | undefined; readonly error: unknown }
  | { readonly kind: 'aborted' };

/**
 * One try of a chunk: `inbox.handleBatch` over its ids, the handler(s) for the fresh ones inside.
 * A handler failure answers `failed` with the failing message's index when it is known (`handle`,
 * or a batch handler given one message); a failure outside the handlers (the inbox's own
 * transaction) is retried with the infrastructure backoff until it works or `signal` aborts.
 * `recordOnly`: no handler runs; the fresh ids are just recorded (see {@link processChunk}).
 */
const tryChunk = async <A, Tx>(
  items: ReadonlyArray<ChunkItem<A>>,
  deps: ChunkDeps<A, Tx>,
  signal: AbortSignal,
  recordOnly = false,
): Promise<ChunkTry> => {
  const first = items[0]!.raw;
  const { topic, partition } = first;
  const ids = items.map((item) => item.decoded.message.id);
  let infrastructureFailures = 0;
  for (;;) {
    if (signal.aborted) return { kind: 'aborted' };
    let failure: { readonly index: number | undefined; readonly error: unknown } | undefined;
    try {
      const result = await deps.inbox.handleBatch(deps.inboxConsumer, ids, async (tx, fresh) => {
        if (recordOnly) return;
        // Usually every message is fresh: then no lookup is needed.
        let chosen: ReadonlyArray<ChunkItem<A>> = items;
        if (fresh.length !== items.length) {
          const freshIds = new Set(fresh);
          chosen = items.filter((item) => freshIds.has(item.decoded.message.id));
        }
        if (deps.handleBatch !== undefined) {
          const messages = chosen.map((item) => ({
            event: item.decoded.event,
            message: item.decoded.message,
            offset: item.raw.offset,
          }));
          try {
            await deps.handleBatch(messages, { tx, topic, partition });
          } catch (error) {
            failure = { index: chosen.length === 1 ? items.indexOf(chosen[0]!) : undefined, error };
            throw error;
          }
          return;
        }
        for (let i = 0; i < chosen.length; i++) {
          const item = chosen[i]!;
          try {
            await deps.handle(item.decoded.event, {
              tx,
              message: item.decoded.message,
              topic,
              partition,
              offset: item.raw.offset,
            });
          } catch (error) {
            // Recorded here, not by error type: the inbox may wrap or replace what it rethrows.
            // `chosen` is `items` itself unless some were duplicates.
            failure = { index: chosen === items ? i : items.indexOf(item), error };
            throw error;
          }
        }
      });
      return { kind: 'committed', fresh: result.fresh.length === items.length ? 'all' : new Set(result.fresh) };
    } catch (error) {
      if (failure !== undefined) return { kind: 'failed', ...failure };
      infrastructureFailures += 1;
      if (await pauseAfterInfrastructureError(deps, signal, first, 'inbox', infrastructureFailures, error)) {
        return { kind: 'aborted' };
      }
    }
  }
};

const HANDLED: FinishedOutcome = { kind: 'handled', attempts: 1 };
const DUPLICATE: FinishedOutcome = { kind: 'duplicate' };
const isFresh = <A>(fresh: ReadonlySet<string> | 'all', item: ChunkItem<A>) =>
  fresh === 'all' || fresh.has(item.decoded.message.id);

/**
 * Takes a chunk of one partition's decoded messages (distinct ids, offset order) through one
 * inbox batch transaction: every fresh message's effect and every record commit together, then
 * each message is `finished` (handled or duplicate). When a handler throws, the transaction rolls
 * back and nothing of the chunk is applied; then
 *
 * - the messages before the failing one are taken as a chunk of their own (their effects commit
 *   once, in their own transaction); with an inbox whose effects do not roll back
 *   (`rollsBackEffects: false`, memory) their handlers completed and their writes stand, so they
 *   are only recorded, not run again;
 * - the failing message takes the single-message path alone, its failed try counting as attempt 1
 *   (retries with backoff, dead-lettered after `maxAttempts`);
 * - the messages after it continue as a new chunk.
 *
 * When a batch handler fails for several messages, the failing one is unknown: a `batch-failed`
 * event is reported and each message of the chunk takes the single-message path in turn.
 * Answers `false` when the partition must stop (`signal` aborted, or `between` said so); what is
 * not finished then comes again.
 */
export const processChunk = async <A, Tx>(
  items: ReadonlyArray<ChunkItem<A>>,
  deps: ChunkDeps<A, Tx>,
  signal: AbortSignal,
  hooks: ChunkHooks,
): Promise<boolean> => {
  let rest = items;
  while (rest.length > 0) {
    const tried = await tryChunk(rest, deps, signal);
    if (tried.kind === 'aborted') return false;
    if (tried.kind === 'committed') {
      for (const item of rest) hooks.finished(item.raw, isFresh(tried.fresh, item) ? HANDLED : DUPLICATE);
      hooks.chunkCommitted?.(rest.length);
      return hooks.between();
    }
    if (tried.index === undefined) {
      deps.onEvent({ type: 'batch-failed', ...position(rest[0]!.raw), messages: rest.length, error: tried.error });
      for (const item of rest) {
        const outcome = await handleWithRetries(item.raw, item.decoded, deps, signal);
        if (outcome.kind === 'aborted') return false;
        hooks.finished(item.raw, outcome);
        if (!(await hooks.between())) return false;
      }
      return true;
    }
    const before = rest.slice(0, tried.index);
    if (before.length > 0) {
      if (deps.inbox.rollsBackEffects === false) {
        const recorded = await tryChunk(before, deps, signal, true);
        if (recorded.kind !== 'committed') return false;
        for (const item of before) hooks.finished(item.raw, isFresh(recorded.fresh, item) ? HANDLED : DUPLICATE);
        hooks.chunkCommitted?.(before.length);
        if (!(await hooks.between())) return false;
      } else if (!(await processChunk(before, deps, signal, hooks))) return false;
    }
    const failing = rest[tried.index]!;
    const outcome = await handleWithRetries(failing.raw, failing.decoded, deps, signal, {
      attempts: 1,
      error: tried.error,
    });
    if (outcome.kind === 'aborted') return false;
    hooks.finished(failing.raw, outcome);
    if (!(await hooks.between())) return false;
    rest = rest.slice(tried.index + 1);
  }
  return true;
};
