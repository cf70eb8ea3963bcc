import {
  type CompressionTypes,
  type Kafka,
  Partitioners,
  type Producer,
  type RecordMetadata,
  type RetryOptions,
  type TopicMessages,
} from 'kafkajs';

/**
 * Settings of a producer the adapter makes: the publisher's (and with it the relay's) and the
 * consumer's dead-letter producer ({@link createManagedProducer}).
 */
export interface ProducerOptions {
  /**
   * kafkajs' idempotent producer (a producer id and per-partition sequence numbers, so the broker
   * drops the duplicates of its own retries). Default true. It implies `acks: -1` and one request
   * in flight, which the adapter uses anyway.
   */
  readonly idempotent?: boolean;
  /** Retries of one send inside kafkajs. Default: 8 tries, 200 ms growing to 3 s (about 15 s in all). */
  readonly retry?: RetryOptions;
  /** How long the broker may take to get the acknowledgements of all in-sync replicas. Default 30 000 ms. */
  readonly ackTimeoutMs?: number;
  readonly compression?: CompressionTypes;
}

/** A producer that sends one batch at a time and replaces itself after a failed send. */
export interface ManagedProducer {
  /** Sends the batch with `acks: -1`; resolves once every partition acknowledged it. */
  sendBatch(topicMessages: ReadonlyArray<TopicMessages>): Promise<RecordMetadata[]>;
  /** Waits for the send in progress and disconnects. Later sends reject. */
  close(): Promise<void>;
}

/** Default kafkajs retry of one send. */
export const DEFAULT_SEND_RETRY: RetryOptions = { retries: 8, initialRetryTime: 200, maxRetryTime: 3_000 };

/**
 * Wraps a kafkajs producer for at-least-once sending.
 *
 * - Sends run one after another: kafkajs reads and bumps the idempotent sequence numbers around
 *   each request, and concurrent sends on one idempotent producer can get out of order.
 * - After a send fails, the producer is dropped and the next send makes a new one. kafkajs rolls a
 *   failed request's sequence numbers back, yet the broker may have written it; a later, different
 *   batch with the same numbers would then be dropped by the broker as a "duplicate" (a silent
 *   loss). A new producer gets a new producer id, and with it fresh sequence numbers.
 * - Messages are partitioned by key with kafkajs' Java-compatible partitioner (murmur2), so a
 *   key lands in the same partition as with the Java client.
 */
export const createManagedProducer = (kafka: Kafka, options: ProducerOptions = {}): ManagedProducer => {
  const idempotent = options.idempotent ?? true;
  let producer: Producer | undefined;
  let closed = false;
  let tail: Promise<unknown> = Promise.resolve();

  const serialise = <T>(work: () => Promise<T>): Promise<T> => {
    const run = tail.then(work, work);
    tail = run.catch(() => undefined);
    return run;
  };

  const connected = async (): Promise<Producer> => {
    if (producer !== undefined) return producer;
    const fresh = kafka.producer({
      idempotent,
      maxInFlightRequests: 1,
      createPartitioner: Partitioners.DefaultPartitioner,
      retry: options.retry ?? DEFAULT_SEND_RETRY,
      allowAutoTopicCreation: true,
    });
    try {
      await fresh.connect();
    } catch (error) {
      await fresh.disconnect().catch(() => undefined);
      throw error;
    }
    producer = fresh;
    return fresh;
  };

  return {
    sendBatch: (topicMessages) =>
      serialise(async () => {
        if (closed) throw new Error('the Kafka producer is closed');
        if (topicMessages.length === 0) return [];
        const current = await connected();
        try {
          return await current.sendBatch({
            topicMessages: [...topicMessages],
            acks: -1,
            timeout: options.ackTimeoutMs ?? 30_000,
            ...(options.compression === undefined ? {} : { compression: options.compression }),
          });
        } catch (error) {
          if (producer === current) producer = undefined;
          await current.disconnect().catch(() => undefined);
          throw error;
        }
      }),
    close: () =>
      serialise(async () => {
        closed = true;
        const current = producer;
        producer = undefined;
        await current?.disconnect();
      }),
  };
};
