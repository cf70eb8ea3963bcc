/**
 * Reading the host's dead-letter topics (`<topic>.dlq` of every topic of `hostTopics`) on Kafka,
 * from where a consumer group stands to the end each partition had when the read began, and
 * republishing entries to their source topic. Used by `ordo dlq list` and `ordo dlq replay`.
 */
import {
  createKafkaClient,
  DEAD_LETTER_HEADER,
  type DeadLetterRecord,
  defaultDeadLetterTopic,
  readDeadLetterHeaders,
  withAdmin,
} from '@ordo/adapter-kafka';
import type { Admin, IHeaders, Kafka, KafkaMessage } from 'kafkajs';
import { hostTopics } from '../messaging/topics';

/** One dead-lettered message. */
export interface DeadLetter {
  /** The dead-letter topic, partition and offset it sits at. */
  readonly dlqTopic: string;
  readonly partition: number;
  readonly offset: string;
  readonly key: string | undefined;
  readonly value: Buffer | null;
  /** Every header, the original ones and the `ordo-dlq-*` ones, as strings. */
  readonly headers: Readonly<Record<string, string>>;
  /** Where and why it failed; `undefined` when the headers are missing or malformed. */
  readonly record: DeadLetterRecord | undefined;
}

/** A connection to the cluster for the dead-letter commands. */
export interface DeadLetterCluster {
  readonly kafka: Kafka;
  /** The dead-letter topics of the host's topics that exist on the cluster. */
  deadLetterTopics(filter?: string): Promise<ReadonlyArray<string>>;
}

/** Connects to `brokers`; topics are those of `hostTopics(prefix)`. */
export const openDeadLetterCluster = (brokers: ReadonlyArray<string>, prefix: string): DeadLetterCluster => {
  const kafka = createKafkaClient({ brokers, clientId: 'ordo-cli', logLevel: 'nothing' });
  const topics = hostTopics(prefix).all;
  return {
    kafka,
    deadLetterTopics: async (filter) => {
      const present = new Set(await withAdmin(kafka, (admin) => admin.listTopics()));
      const wanted = filter === undefined ? topics : topics.filter((t) => t === filter || t === `${prefix}${filter}`);
      return wanted.map(defaultDeadLetterTopic).filter((t) => present.has(t));
    },
  };
};

const headerText = (headers: IHeaders | undefined): Record<string, string> => {
  const out: Record<string, string> = {};
  for (const [name, value] of Object.entries(headers ?? {})) {
    if (value === undefined) continue;
    out[name] = (Array.isArray(value) ? value : [value]).map((v) => v.toString()).join(',');
  }
  return out;
};

/** The offset each partition of `topic` has reached in `groupId` (the partition's start when it has none). */
const startOffsets = async (admin: Admin, topic: string, groupId: string | undefined) => {
  const ends = await admin.fetchTopicOffsets(topic);
  const committed = new Map<number, bigint>();
  if (groupId !== undefined) {
    const [offsets] = await admin.fetchOffsets({ groupId, topics: [topic] });
    for (const p of offsets?.partitions ?? []) if (BigInt(p.offset) >= 0n) committed.set(p.partition, BigInt(p.offset));
  }
  return ends.map((p) => {
    const low = BigInt(p.low);
    const c = committed.get(p.partition);
    return { partition: p.partition, start: c === undefined || c < low ? low : c, end: BigInt(p.high) };
  });
};

/** Options of {@link readDeadLetters}. */
export interface ReadOptions {
  /**
   * A consumer group whose committed offsets say where to start; `commit` moves them past what
   * was handled. Without it, everything still on the topic is read (a throwaway group).
   */
  readonly groupId?: string;
  /** Called for each entry, in offset order per partition; with `groupId`, its offset is committed after. */
  readonly each: (entry: DeadLetter) => Promise<void>;
  /** Longest the read may take, ms (default 60 000). */
  readonly timeoutMs?: number;
}

/** How far a group stands on each partition of `topic` (`undefined` when it has committed nothing). */
export const committedOffsets = async (
  cluster: DeadLetterCluster,
  topic: string,
  groupId: string,
): Promise<ReadonlyMap<number, bigint>> =>
  withAdmin(cluster.kafka, async (admin) => {
    const [offsets] = await admin.fetchOffsets({ groupId, topics: [topic] });
    return new Map(
      (offsets?.partitions ?? []).filter((p) => BigInt(p.offset) >= 0n).map((p) => [p.partition, BigInt(p.offset)]),
    );
  });

/** Reads `topic` from where the group stands to the end each partition had at the start; answers how many entries. */
export const readDeadLetters = async (
  cluster: DeadLetterCluster,
  topic: string,
  options: ReadOptions,
): Promise<number> => {
  const starts = await withAdmin(cluster.kafka, (admin) => startOffsets(admin, topic, options.groupId));
  const remaining = new Map(starts.filter((p) => p.start < p.end).map((p) => [p.partition, p.end]));
  if (remaining.size === 0) return 0;
  const durable = options.groupId !== undefined;
  const groupId = options.groupId ?? `ordo-cli-dlq-${process.pid}-${Date.now()}`;
  // A fresh group starts at each partition's beginning, a durable one where it committed: where `starts` says.
  const consumer = cluster.kafka.consumer({ groupId, maxWaitTimeInMs: 250 });
  let count = 0;
  try {
    await consumer.connect();
    await consumer.subscribe({ topics: [topic], fromBeginning: true });
    await new Promise<void>((resolve, reject) => {
      const timer = setTimeout(
        () => reject(new Error(`reading ${topic} took longer than ${options.timeoutMs ?? 60_000} ms`)),
        options.timeoutMs ?? 60_000,
      );
      const handle = async (partition: number, message: KafkaMessage) => {
        const end = remaining.get(partition);
        if (end === undefined || BigInt(message.offset) >= end) return;
        const headers = headerText(message.headers);
        await options.each({
          dlqTopic: topic,
          partition,
          offset: message.offset,
          key: message.key === null ? undefined : message.key.toString(),
          value: message.value,
          headers,
          record: readDeadLetterHeaders(headers),
        });
        count += 1;
        if (durable) {
          await consumer.commitOffsets([{ topic, partition, offset: (BigInt(message.offset) + 1n).toString() }]);
        }
        if (BigInt(message.offset) + 1n >= end) remaining.delete(partition);
        if (remaining.size === 0) {
          clearTimeout(timer);
          resolve();
        }
      };
      consumer
        .run({
          autoCommit: false,
          eachMessage: async ({ partition, message }) => {
            try {
              await handle(partition, message);
            } catch (error) {
              clearTimeout(timer);
              reject(error instanceof Error ? error : new Error(String(error)));
            }
          },
        })
        .catch(reject);
    });
  } finally {
    await consumer.disconnect().catch(() => undefined);
    if (!durable) await withAdmin(cluster.kafka, (admin) => admin.deleteGroups([groupId])).catch(() => undefined);
  }
  return count;
};

/** The original headers of a dead letter: without the `ordo-dlq-*` ones. */
export const originalHeaders = (headers: Readonly<Record<string, string>>): Record<string, string> => {
  const dlq = new Set<string>(Object.values(DEAD_LETTER_HEADER));
  return Object.fromEntries(Object.entries(headers).filter(([name]) => !dlq.has(name)));
};
