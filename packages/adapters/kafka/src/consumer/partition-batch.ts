import type { KafkaMessage, Offsets } from 'kafkajs';
import { type ChunkDeps, type ChunkItem, type FinishedOutcome, processChunk } from './chunk-processor';
import type { ConsumerEvent } from './consumer-events';
import {
  deadLetterMessage,
  decodeMessage,
  processMessage,
  type ProcessorDeps,
  type RawKafkaMessage,
} from './message-processor';

/** What the partition loop needs of kafkajs' `eachBatch` payload (a fake can supply it in tests). */
export interface PartitionBatch {
  readonly batch: {
    readonly topic: string;
    readonly partition: number;
    readonly messages: ReadonlyArray<Pick<KafkaMessage, 'offset' | 'key' | 'value' | 'headers'>>;
  };
  resolveOffset(offset: string): void;
  heartbeat(): Promise<void>;
  commitOffsetsIfNecessary(offsets?: Offsets): Promise<void>;
  isRunning(): boolean;
  isStale(): boolean;
}

/** The consumer's counters, updated as messages finish. */
export interface PartitionStats {
  handled: number;
  duplicates: number;
  deadLettered: number;
  commits: number;
  chunks: number;
}

/** What {@link createPartitionBatchHandler} works with. */
export interface PartitionBatchOptions<A, Tx> {
  readonly deps: ProcessorDeps<A, Tx>;
  /** The chunk path, when the inbox has `handleBatch`; without it every message goes alone. */
  readonly chunks: ChunkDeps<A, Tx> | undefined;
  /** Most messages in one chunk transaction. */
  readonly batchSize: number;
  readonly commitEvery: number;
  readonly signal: AbortSignal;
  readonly stats: PartitionStats;
  readonly onEvent: (event: ConsumerEvent) => void;
}

/**
 * kafkajs' `eachBatch` for one partition's fetched messages, in offset order. With a batch inbox
 * the messages are decoded first and gathered into chunks of up to `batchSize`, each applied in one
 * inbox transaction ({@link processChunk}); an undecodable message ends the chunk before it and is
 * dead-lettered, and a message whose id is already in the chunk (a redelivered copy in the same
 * fetch) starts a new chunk, where the inbox reports it as a duplicate. Without a batch inbox each
 * message takes the single-message path. A message's offset is resolved once it is finished
 * (its transaction committed, or dead-lettered); offsets are committed after each step once
 * `commitEvery` are pending, and when the batch ends.
 */
export const createPartitionBatchHandler =
  <A, Tx>(options: PartitionBatchOptions<A, Tx>) =>
  async (payload: PartitionBatch): Promise<void> => {
    const { batch, resolveOffset, heartbeat, commitOffsetsIfNecessary, isRunning, isStale } = payload;
    const { topic, partition } = batch;
    const { deps, stats, signal, commitEvery, onEvent } = options;
    let done: string | undefined;
    let uncommitted = 0;
    const commit = async (): Promise<void> => {
      if (done === undefined || uncommitted === 0) return;
      const offset = (BigInt(done) + 1n).toString();
      try {
        await commitOffsetsIfNecessary({ topics: [{ topic, partitions: [{ partition, offset }] }] });
        uncommitted = 0;
        stats.commits += 1;
      } catch (error) {
        onEvent({ type: 'commit-failed', topic, partition, offset, error });
      }
    };
    const running = () => isRunning() && !isStale() && !signal.aborted;
    const finished = (raw: RawKafkaMessage, outcome: FinishedOutcome) => {
      if (outcome.kind === 'handled') stats.handled += 1;
      else if (outcome.kind === 'duplicate') stats.duplicates += 1;
      else stats.deadLettered += 1;
      resolveOffset(raw.offset);
      done = raw.offset;
      uncommitted += 1;
    };
    const between = async (): Promise<boolean> => {
      if (uncommitted >= commitEvery) await commit();
      // Also the moment kafkajs learns of a rebalance: it then throws, and `finally` commits.
      await heartbeat();
      return running();
    };
    const raws = batch.messages.map((message): RawKafkaMessage => ({
      topic,
      partition,
      offset: message.offset,
      key: message.key,
      value: message.value,
      headers: message.headers,
    }));
    try {
      const chunkDeps = options.chunks;
      if (chunkDeps === undefined) {
        for (const raw of raws) {
          if (!running()) break;
          const outcome = await processMessage(raw, deps, signal);
          if (outcome.kind === 'aborted') break;
          finished(raw, outcome);
          if (!(await between())) break;
        }
        return;
      }
      const hooks = { finished, between, chunkCommitted: () => (stats.chunks += 1) };
      let chunk: Array<ChunkItem<A>> = [];
      let ids = new Set<string>();
      const flush = async (): Promise<boolean> => {
        if (chunk.length === 0) return true;
        const items = chunk;
        chunk = [];
        ids = new Set();
        return processChunk(items, chunkDeps, signal, hooks);
      };
      for (const raw of raws) {
        if (!running()) return;
        const decoded = decodeMessage(raw, deps.decode);
        if (!decoded.ok) {
          if (!(await flush())) return;
          const outcome = await deadLetterMessage(raw, deps, signal, 'undecodable', decoded.error, 0);
          if (outcome.kind === 'aborted') return;
          finished(raw, outcome);
          if (!(await between())) return;
          continue;
        }
        const id = decoded.message.id;
        if ((chunk.length >= options.batchSize || ids.has(id)) && !(await flush())) return;
        chunk.push({ raw, decoded });
        ids.add(id);
      }
      if (running()) await flush();
    } finally {
      if (!isStale()) await commit();
    }
  };
