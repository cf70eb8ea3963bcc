import { decodeWith, hasHandleBatch, type Inbox } from '@ordo/kernel';
import type * as t from 'io-ts';
import type { Consumer, Kafka } from 'kafkajs';
import { assertTopicName, topicNameProblem } from '../client/topic-names';
import { createManagedProducer, type ProducerOptions } from '../publisher/managed-producer';
import type { BackoffPolicy } from '../runtime/backoff';
import { invalidOption, positiveIntegerOption } from '../runtime/option-checks';
import type { BatchHandler } from './chunk-processor';
import type { ConsumerEvent } from './consumer-events';
import { deadLetterHeaders, defaultDeadLetterTopic } from './dead-letter';
import type { DecodeResult, MessageContext, ProcessorDeps } from './message-processor';
import { createPartitionBatchHandler, type PartitionStats } from './partition-batch';

/**
 * How a consumer applies its messages: `handle`, one message at a time (inside the chunk's
 * transaction, in partition order), or `handleBatch`, the chunk's fresh messages at once.
 */
export type KafkaConsumerHandler<A, Tx> =
  | {
      /** Applies one event. Write the effect through `context.tx`. Throwing means "try again". */
      readonly handle: (event: A, context: MessageContext<Tx>) => Promise<void>;
      readonly handleBatch?: undefined;
    }
  | {
      /**
       * Applies a chunk's fresh messages (in partition order) through `context.tx`, e.g. with one
       * multi-row statement. Throwing rolls the chunk back; its messages are then taken one at a
       * time, each through `handleBatch` with one message. Also used alone, one message per call,
       * when the inbox has no `handleBatch`.
       */
      readonly handleBatch: BatchHandler<A, Tx>;
      readonly handle?: undefined;
    };

/** Options of {@link createKafkaConsumer}: {@link KafkaConsumerSettings}, a codec and a handler. */
export type KafkaConsumerOptions<A, O, Tx> = KafkaConsumerSettings<Tx> & {
  /**
   * Decodes each message value (parsed JSON) into an event through the kernel's `decodeWith`,
   * e.g. `defineMessages(...).codec`. A failure dead-letters the message at once.
   */
  readonly codec: t.Type<A, O, unknown>;
} & KafkaConsumerHandler<A, Tx>;

/** The settings of {@link createKafkaConsumer}, besides the codec and the handler. */
export interface KafkaConsumerSettings<Tx> {
  readonly kafka: Kafka;
  /** The consumer group; its members share the topics' partitions. */
  readonly groupId: string;
  readonly topics: ReadonlyArray<string>;
  /**
   * Dedup: effects commit in one transaction with their dedup records. With `inbox.handleBatch`,
   * one transaction per chunk of up to `batchSize` messages; otherwise `inbox.handleOnce` per message.
   */
  readonly inbox: Inbox<Tx>;
  /** The name the inbox records messages under. Default: `groupId`. */
  readonly inboxConsumer?: string;
  /**
   * Most messages of one partition in one inbox transaction, when the inbox has `handleBatch`.
   * Default 500; 1 gives each message a batch transaction of its own.
   */
  readonly batchSize?: number;
  /** Handler tries before dead-lettering. Default 5. */
  readonly maxAttempts?: number;
  /** Waits between handler tries. Default 100 ms doubling up to 2 s. */
  readonly retryBackoff?: BackoffPolicy;
  /** Waits while the inbox or the dead-letter topic is down. Default 200 ms doubling up to 5 s. */
  readonly infrastructureBackoff?: BackoffPolicy;
  /** The dead-letter topic of a source topic. Default `<topic>.dlq`. */
  readonly deadLetterTopic?: (sourceTopic: string) => string;
  /** Producer settings of the dead-letter producer (idempotent, `acks: -1` by default). */
  readonly deadLetterProducer?: ProducerOptions;
  /** Where a new group starts: true (default) reads each partition from its beginning. */
  readonly fromBeginning?: boolean;
  /** Partitions processed at once (each one in order). Default 1. */
  readonly partitionsConsumedConcurrently?: number;
  /**
   * Longest wait of one fetch. A kafkajs consumer notices a rebalance only between fetches, so
   * this bounds how long a rebalance waits for this member. Default 500 ms.
   */
  readonly maxWaitTimeInMs?: number;
  /** Default 10 000 ms. */
  readonly sessionTimeoutMs?: number;
  /** Default 1 000 ms. */
  readonly heartbeatIntervalMs?: number;
  /** Default 10 000 ms. */
  readonly rebalanceTimeoutMs?: number;
  /**
   * Offsets are committed after every fetched batch and, within a long one, once this many
   * messages are done (checked after each chunk or single message). Default 200.
   */
  readonly commitEvery?: number;
  readonly onEvent?: (event: ConsumerEvent) => void;
  /** The clock stamped on dead letters. Default: the system clock. */
  readonly now?: () => Date;
}

/** Counters of a running consumer. */
export interface KafkaConsumerStats {
  readonly handled: number;
  readonly duplicates: number;
  readonly deadLettered: number;
  readonly commits: number;
  /** Chunk transactions (`inbox.handleBatch`) that committed. */
  readonly chunks: number;
}

/** A Kafka consumer-group member with inbox dedup, retries and a dead-letter topic. */
export interface KafkaConsumer {
  /** Connects, subscribes and starts consuming; resolves once kafkajs runs (see {@link joined}). */
  start(): Promise<void>;
  /** Resolves when this member first joined its group and got its partitions. */
  joined(): Promise<void>;
  /**
   * Stops: waits cut short, the chunk (or message) in the handler finishes, processed offsets are committed,
   * the member leaves the group (its partitions move to the others at once) and disconnects.
   */
  stop(): Promise<void>;
  stats(): KafkaConsumerStats;
}

/**
 * A consumer-group member that applies each message's effect exactly once as far as the inbox
 * can tell (at-least-once delivery, deduplicated by `ordo-event-id` in the effect's transaction).
 *
 * - Each partition is processed in order, so one stream's events keep their order. With an inbox
 *   that has `handleBatch`, a fetched batch is decoded and applied in chunks of up to `batchSize`
 *   messages, one inbox transaction per chunk (`handle` runs for each fresh message in turn, or
 *   `handleBatch` once with them all); otherwise one `inbox.handleOnce` transaction per message.
 * - When a handler throws in a chunk, the chunk rolls back; the messages before the failing one are
 *   applied again in a chunk of their own, the failing one is retried alone (backoff, dead-letter
 *   after `maxAttempts`, its failed try in the chunk counting as the first), and the rest go on.
 * - Offsets are committed by hand (`autoCommit` off), only for messages whose effect committed
 *   (after their chunk's transaction) or that reached the dead-letter topic; a crash re-delivers
 *   the rest, and the inbox drops what was already applied.
 * - Undecodable messages, and messages whose handler fails `maxAttempts` times, go to the
 *   dead-letter topic (original key, value and headers plus the failure in `ordo-dlq-*` headers),
 *   and the partition moves on.
 * - A rebalance or `stop()` ends the current batch after the chunk (or message) in progress; what
 *   was done is committed first.
 *
 * Bad options (empty `groupId`, no `topics` or an illegal topic name, `maxAttempts`, `commitEvery`,
 * `batchSize` or `partitionsConsumedConcurrently` not a positive integer, not exactly one of `handle`
 * and `handleBatch`) throw an `InvalidInputError` with code `invalid_options` and one issue naming
 * the option (e.g. `topics.1`).
 */
export const createKafkaConsumer = <A, O, Tx>(options: KafkaConsumerOptions<A, O, Tx>): KafkaConsumer =>
  createKafkaConsumerWith(options, decodeWith(options.codec, 'Kafka message'));

/** {@link createKafkaConsumer} with a plain decode function in place of an io-ts codec. */
export const createKafkaConsumerWith = <A, Tx>(
  options: KafkaConsumerSettings<Tx> & KafkaConsumerHandler<A, Tx>,
  decode: (value: unknown) => DecodeResult<A>,
): KafkaConsumer => {
  if (typeof options.groupId !== 'string' || options.groupId === '')
    throw invalidOption('groupId', 'non-empty string', options.groupId, 'must be a non-empty string');
  if (options.topics.length === 0)
    throw invalidOption('topics', 'non-empty array of topic names', options.topics, 'must name at least one topic');
  options.topics.forEach((topic, i) => {
    const problem = topicNameProblem(topic);
    if (problem !== undefined)
      throw invalidOption(
        `topics.${i}`,
        'Kafka topic name',
        topic,
        `must be a legal Kafka topic name, got ${JSON.stringify(topic)}: ${problem}`,
      );
  });
  const maxAttempts = positiveIntegerOption(options.maxAttempts ?? 5, 'maxAttempts');
  const commitEvery = positiveIntegerOption(options.commitEvery ?? 200, 'commitEvery');
  const batchSize = positiveIntegerOption(options.batchSize ?? 500, 'batchSize');
  const { handle: oneAtATime, handleBatch } = options as {
    readonly handle?: unknown;
    readonly handleBatch?: unknown;
  };
  if (oneAtATime !== undefined && handleBatch !== undefined)
    throw invalidOption('handleBatch', 'absent when handle is given', handleBatch, 'must not be given with handle');
  const [handlerPath, handler] = oneAtATime === undefined ? ['handleBatch', handleBatch] : ['handle', oneAtATime];
  if (typeof handler !== 'function')
    throw invalidOption(
      handler === undefined ? 'handle' : handlerPath,
      'function',
      handler,
      'must be a function (give handle or handleBatch)',
    );
  const concurrency = positiveIntegerOption(
    options.partitionsConsumedConcurrently ?? 1,
    'partitionsConsumedConcurrently',
  );
  const deadLetterTopic = options.deadLetterTopic ?? defaultDeadLetterTopic;
  const onEvent = options.onEvent ?? (() => undefined);

  const stats: PartitionStats = { handled: 0, duplicates: 0, deadLettered: 0, commits: 0, chunks: 0 };
  const stopping = new AbortController();
  const deadLetters = createManagedProducer(options.kafka, options.deadLetterProducer);
  let consumer: Consumer | undefined;
  let resolveJoined: () => void = () => undefined;
  const joined = new Promise<void>((resolve) => (resolveJoined = resolve));

  const deps: ProcessorDeps<A, Tx> = {
    decode,
    inbox: options.inbox,
    inboxConsumer: options.inboxConsumer ?? options.groupId,
    group: options.groupId,
    handle:
      options.handle ??
      ((event, { tx, message, topic, partition, offset }) =>
        options.handleBatch([{ event, message, offset }], { tx, topic, partition })),
    maxAttempts,
    retryBackoff: options.retryBackoff ?? { initialMs: 100, maxMs: 2_000 },
    infrastructureBackoff: options.infrastructureBackoff ?? { initialMs: 200, maxMs: 5_000, jitter: 0.2 },
    now: options.now ?? (() => new Date()),
    onEvent,
    async deadLetter(raw, info) {
      const topic = assertTopicName(deadLetterTopic(raw.topic), 'deadLetterTopic');
      const headers: Record<string, Buffer | string> = {};
      for (const [name, value] of Object.entries(raw.headers ?? {})) {
        if (value === undefined) continue;
        // A repeated header keeps its last value, as the consumer read it.
        const last = Array.isArray(value) ? value[value.length - 1] : value;
        if (last !== undefined) headers[name] = last as Buffer | string;
      }
      Object.assign(headers, deadLetterHeaders(info));
      await deadLetters.sendBatch([{ topic, messages: [{ key: raw.key, value: raw.value, headers }] }]);
      return topic;
    },
  };

  const inbox = options.inbox;
  const eachBatch = createPartitionBatchHandler<A, Tx>({
    deps,
    chunks: hasHandleBatch(inbox)
      ? { ...deps, inbox, ...(options.handleBatch === undefined ? {} : { handleBatch: options.handleBatch }) }
      : undefined,
    batchSize,
    commitEvery,
    signal: stopping.signal,
    stats,
    onEvent,
  });

  return {
    async start() {
      if (consumer !== undefined) return;
      if (stopping.signal.aborted) throw new Error(`the Kafka consumer of group ${options.groupId} was stopped`);
      const created = options.kafka.consumer({
        groupId: options.groupId,
        maxWaitTimeInMs: options.maxWaitTimeInMs ?? 500,
        sessionTimeout: options.sessionTimeoutMs ?? 10_000,
        heartbeatInterval: options.heartbeatIntervalMs ?? 1_000,
        rebalanceTimeout: options.rebalanceTimeoutMs ?? 10_000,
        allowAutoTopicCreation: false,
        // kafkajs restarts a crashed consumer on a timer that it sets only after this answers; a
        // restart after stop() would reconnect a consumer nobody disconnects again (a leaked
        // connection that keeps the process alive). kafkajs' default of 5 retries is kept.
        retry: { retries: 5, restartOnFailure: async () => !stopping.signal.aborted },
      });
      consumer = created;
      created.on(created.events.GROUP_JOIN, (event) => {
        onEvent({ type: 'group-joined', memberId: event.payload.memberId, assignment: event.payload.memberAssignment });
        resolveJoined();
      });
      created.on(created.events.CRASH, (event) => {
        onEvent({ type: 'crashed', error: event.payload.error, restart: event.payload.restart });
      });
      await created.connect();
      await created.subscribe({ topics: [...options.topics], fromBeginning: options.fromBeginning ?? true });
      await created.run({
        autoCommit: false,
        eachBatchAutoResolve: false,
        partitionsConsumedConcurrently: concurrency,
        eachBatch,
      });
    },
    joined: () => joined,
    async stop() {
      stopping.abort();
      const current = consumer;
      await current?.disconnect();
      await deadLetters.close();
    },
    stats: () => ({ ...stats }),
  };
};
