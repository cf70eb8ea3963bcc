/**
 * `ordo dlq list` and `ordo dlq replay`: the Kafka dead-letter topics of the host's topics.
 * Replay republishes each entry to its source topic (original key, value and headers) and
 * commits its offset in the group `<prefix>dlq-replay`, so the next replay sends only newer
 * entries; the consumers deduplicate what they had already handled.
 */
import { brokersFrom, kafkaFlags, topicPrefixFrom } from '../backend-flags';
import type { CliCommand } from '../command';
import { EXIT, UsageError } from '../errors';
import type { FlagSpec, ParsedArgs } from '../flags';
import {
  committedOffsets,
  type DeadLetter,
  type DeadLetterCluster,
  openDeadLetterCluster,
  originalHeaders,
  readDeadLetters,
} from '../dead-letters';

const flags: ReadonlyArray<FlagSpec> = [
  ...kafkaFlags,
  {
    name: 'topic',
    kind: 'string',
    placeholder: 'TOPIC',
    description: 'only the dead letters of this source topic (with or without the prefix)',
  },
  {
    name: 'timeout-ms',
    kind: 'integer',
    min: 1,
    description: 'longest a topic may take to read',
    defaultText: '60000',
  },
];

/** The consumer group whose offsets record what `ordo dlq replay` has sent. */
export const replayGroup = (prefix: string): string => `${prefix}dlq-replay`;

const openCluster = (args: ParsedArgs, command: string) => {
  const brokers = brokersFrom(args);
  if (brokers === undefined) throw new UsageError(`${command} needs --kafka-brokers (or ORDO_KAFKA_BROKERS)`);
  const prefix = topicPrefixFrom(args);
  return { cluster: openDeadLetterCluster(brokers, prefix), prefix };
};

/** One entry as `dlq list` prints it. */
export const describeDeadLetter = (entry: DeadLetter, replayed: boolean): string => {
  const r = entry.record;
  const type = entry.headers['ordo-event-type'];
  const head = `${entry.dlqTopic}[${entry.partition}]@${entry.offset}${replayed ? ' (replayed)' : ''} key ${entry.key ?? '-'}${type === undefined ? '' : ` type ${type}`}`;
  if (r === undefined) return `${head}\n    no dead-letter headers`;
  return `${head}\n    ${r.reason} after ${r.attempts} attempt(s) in group ${r.group || '-'} at ${r.failedAt}, from ${r.topic}[${r.partition}]@${r.offset}\n    ${r.errorName}: ${r.error}`;
};

const eachTopic = async (
  cluster: DeadLetterCluster,
  args: ParsedArgs,
  work: (topic: string) => Promise<void>,
): Promise<number> => {
  const topics = await cluster.deadLetterTopics(args.string('topic'));
  for (const topic of topics) await work(topic);
  return topics.length;
};

/** `ordo dlq list`. */
export const dlqListCommand: CliCommand = {
  name: 'dlq list',
  summary: "list the dead letters of the host's topics, with why each failed",
  usage: '--kafka-brokers HOST:PORT [flags]',
  description: [
    'Reads every <topic>.dlq of the host (under --topic-prefix) from its beginning and prints each entry: where it sits, its key and type, the reason (undecodable or handler-failed), the attempts, the consumer group, the error, and whether ordo dlq replay has sent it.',
  ],
  flags,
  examples: ['ordo dlq list --kafka-brokers localhost:9092', 'ordo dlq list --topic payment.commands'],
  run: async (args, context) => {
    const { cluster, prefix } = openCluster(args, 'ordo dlq list');
    const timeoutMs = args.integer('timeout-ms');
    let total = 0;
    let replayedCount = 0;
    try {
      const topics = await eachTopic(cluster, args, async (topic) => {
        const replayed = await committedOffsets(cluster, topic, replayGroup(prefix));
        await readDeadLetters(cluster, topic, {
          ...(timeoutMs === undefined ? {} : { timeoutMs }),
          each: async (entry) => {
            const done = BigInt(entry.offset) < (replayed.get(entry.partition) ?? 0n);
            total += 1;
            if (done) replayedCount += 1;
            context.print(describeDeadLetter(entry, done));
          },
        });
      });
      context.print(
        `${total} dead letter(s) in ${topics} dead-letter topic(s)${total === 0 ? '' : `, ${replayedCount} replayed`}`,
      );
      return EXIT.ok;
    } catch (error) {
      context.warn(`ordo dlq list: ${error instanceof Error ? error.message : String(error)}`);
      return EXIT.failed;
    }
  },
};

/** `ordo dlq replay`. */
export const dlqReplayCommand: CliCommand = {
  name: 'dlq replay',
  summary: 'republish dead letters to their source topic (each once, across runs)',
  usage: '--kafka-brokers HOST:PORT [flags]',
  description: [
    "Sends every dead letter not replayed before to the topic it came from, with its original key, value and headers (without the ordo-dlq-* ones), and records its offset in the consumer group <prefix>dlq-replay. Fix the cause first: a message that fails again goes back to the dead-letter topic. The host's consumers deduplicate, so a message that had got through after all is not applied twice.",
  ],
  flags: [...flags, { name: 'dry-run', kind: 'boolean', description: 'print what would be sent, send nothing' }],
  examples: ['ordo dlq replay --kafka-brokers localhost:9092 --topic payment.commands'],
  run: async (args, context) => {
    const { cluster, prefix } = openCluster(args, 'ordo dlq replay');
    const dryRun = args.boolean('dry-run');
    const timeoutMs = args.integer('timeout-ms');
    const producer = cluster.kafka.producer({ idempotent: true, maxInFlightRequests: 1 });
    let sent = 0;
    let skipped = 0;
    try {
      if (!dryRun) await producer.connect();
      await eachTopic(cluster, args, async (topic) => {
        const replayed = await committedOffsets(cluster, topic, replayGroup(prefix));
        const read = async (entry: DeadLetter) => {
          if (entry.record === undefined) {
            skipped += 1;
            context.print(`skip ${entry.dlqTopic}[${entry.partition}]@${entry.offset}: no dead-letter headers`);
            return;
          }
          if (dryRun) {
            if (BigInt(entry.offset) < (replayed.get(entry.partition) ?? 0n)) return;
            context.print(`would send ${entry.dlqTopic}[${entry.partition}]@${entry.offset} to ${entry.record.topic}`);
            sent += 1;
            return;
          }
          await producer.send({
            topic: entry.record.topic,
            messages: [{ key: entry.key ?? null, value: entry.value, headers: originalHeaders(entry.headers) }],
          });
          sent += 1;
          context.print(`sent ${entry.dlqTopic}[${entry.partition}]@${entry.offset} to ${entry.record.topic}`);
        };
        await readDeadLetters(cluster, topic, {
          ...(dryRun ? {} : { groupId: replayGroup(prefix) }),
          ...(timeoutMs === undefined ? {} : { timeoutMs }),
          each: read,
        });
      });
      context.print(
        `${dryRun ? 'would replay' : 'replayed'} ${sent} dead letter(s)${skipped === 0 ? '' : `, skipped ${skipped}`}`,
      );
      return EXIT.ok;
    } catch (error) {
      context.warn(`ordo dlq replay: ${error instanceof Error ? error.message : String(error)}`);
      return EXIT.failed;
    } finally {
      if (!dryRun) await producer.disconnect().catch(() => undefined);
    }
  },
};
