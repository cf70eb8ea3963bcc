import { InvalidInputError } from '@ordo/kernel';
import type { Admin, Kafka } from 'kafkajs';
import { assertTopicName } from './topic-names';

/** A topic to create. */
export interface TopicSpec {
  readonly topic: string;
  /** Default: the broker's `num.partitions`. */
  readonly partitions?: number;
  /** Default: the broker's `default.replication.factor`. */
  readonly replicationFactor?: number;
  /** Topic configs, e.g. `{ 'retention.ms': '604800000', 'min.insync.replicas': '2' }`. */
  readonly config?: Readonly<Record<string, string>>;
}

/** What {@link ensureTopics} did. */
export interface EnsureTopicsResult {
  readonly created: ReadonlyArray<string>;
  /** Topics that were there already, with their partition counts. */
  readonly existing: ReadonlyArray<{ readonly topic: string; readonly partitions: number }>;
}

/** Runs `work` with a connected admin client and always disconnects it. */
export const withAdmin = async <T>(kafka: Kafka, work: (admin: Admin) => Promise<T>): Promise<T> => {
  const admin = kafka.admin();
  await admin.connect();
  try {
    return await work(admin);
  } finally {
    await admin.disconnect();
  }
};

const optionalCount = (value: number | undefined, path: string, allowBrokerDefault: boolean) => {
  if (value === undefined) return undefined;
  if (Number.isInteger(value) && (value > 0 || (allowBrokerDefault && value === -1))) return value;
  throw new InvalidInputError('invalid_topic_spec', `${path} must be a positive integer, got ${String(value)}`, [
    { path, expected: 'positive integer', actual: value },
  ]);
};

/**
 * Creates the topics that do not exist yet and waits until their partitions have leaders.
 * Existing topics are left alone (their partition count is reported, not changed). Bad names or
 * counts reject with an `InvalidInputError` before anything is created.
 */
export const ensureTopics = async (
  kafka: Kafka,
  specs: ReadonlyArray<TopicSpec>,
  options: { readonly timeoutMs?: number } = {},
): Promise<EnsureTopicsResult> => {
  const checked = specs.map((spec, i) => ({
    topic: assertTopicName(spec.topic, `${i}.topic`),
    partitions: optionalCount(spec.partitions, `${i}.partitions`, false),
    replicationFactor: optionalCount(spec.replicationFactor, `${i}.replicationFactor`, true),
    config: spec.config ?? {},
  }));
  if (checked.length === 0) return { created: [], existing: [] };
  return withAdmin(kafka, async (admin) => {
    const present = new Set(await admin.listTopics());
    const missing = checked.filter((spec) => !present.has(spec.topic));
    if (missing.length > 0) {
      const timeoutMs = options.timeoutMs ?? 30_000;
      const until = Date.now() + timeoutMs;
      try {
        await admin.createTopics({
          waitForLeaders: true,
          timeout: timeoutMs,
          topics: missing.map((spec) => ({
            topic: spec.topic,
            ...(spec.partitions === undefined ? {} : { numPartitions: spec.partitions }),
            ...(spec.replicationFactor === undefined ? {} : { replicationFactor: spec.replicationFactor }),
            configEntries: Object.entries(spec.config).map(([name, value]) => ({ name, value })),
          })),
        });
      } catch (error) {
        // A busy broker may answer the leader wait of a topic it has just created with
        // UNKNOWN_TOPIC_OR_PARTITION (kafkajs retries only LEADER_NOT_AVAILABLE): wait here instead.
        if ((error as { type?: unknown }).type !== 'UNKNOWN_TOPIC_OR_PARTITION') throw error;
        await waitForLeaders(
          admin,
          missing.map((spec) => spec.topic),
          until,
        );
      }
    }
    const existingNames = checked.filter((spec) => present.has(spec.topic)).map((spec) => spec.topic);
    const metadata =
      existingNames.length === 0 ? { topics: [] } : await admin.fetchTopicMetadata({ topics: existingNames });
    return {
      created: missing.map((spec) => spec.topic),
      existing: metadata.topics.map((t) => ({ topic: t.name, partitions: t.partitions.length })),
    };
  });
};

/** Polls topic metadata until every partition of `topics` has a leader, or throws at `until`. */
const waitForLeaders = async (admin: Admin, topics: ReadonlyArray<string>, until: number): Promise<void> => {
  for (;;) {
    try {
      const metadata = await admin.fetchTopicMetadata({ topics: [...topics] });
      if (metadata.topics.every((t) => t.partitions.length > 0 && t.partitions.every((p) => p.leader >= 0))) return;
    } catch (error) {
      if (Date.now() >= until) throw error;
    }
    if (Date.now() >= until) throw new Error(`topics ${topics.join(', ')} have no leaders yet`);
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
};

/** Deletes topics; names that do not exist are skipped. */
export const deleteTopics = async (
  kafka: Kafka,
  topics: ReadonlyArray<string>,
  options: { readonly timeoutMs?: number } = {},
): Promise<ReadonlyArray<string>> => {
  topics.forEach((topic, i) => assertTopicName(topic, `${i}`));
  if (topics.length === 0) return [];
  return withAdmin(kafka, async (admin) => {
    const present = new Set(await admin.listTopics());
    const doomed = topics.filter((topic) => present.has(topic));
    if (doomed.length > 0) await admin.deleteTopics({ topics: [...doomed], timeout: options.timeoutMs ?? 30_000 });
    return doomed;
  });
};

/** The partition count of each topic (topics that do not exist are missing from the answer). */
export const topicPartitionCounts = async (
  kafka: Kafka,
  topics: ReadonlyArray<string>,
): Promise<Readonly<Record<string, number>>> => {
  topics.forEach((topic, i) => assertTopicName(topic, `${i}`));
  return withAdmin(kafka, async (admin) => {
    const present = new Set(await admin.listTopics());
    const wanted = topics.filter((topic) => present.has(topic));
    if (wanted.length === 0) return {};
    const metadata = await admin.fetchTopicMetadata({ topics: [...wanted] });
    return Object.fromEntries(metadata.topics.map((t) => [t.name, t.partitions.length]));
  });
};
