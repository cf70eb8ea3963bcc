import { randomUUID } from 'node:crypto';
import {
  type BackoffPolicy,
  createOutboxRelay,
  type OutboxRelay,
  type OutboxRelayOptions,
  type Publisher,
} from '@ordo/kernel';
import type { Kafka } from 'kafkajs';
import { createKafkaPublisher, type KafkaPublisher, type KafkaPublisherOptions } from '../publisher/kafka-publisher';

/** Options of the kernel's relay that the Kafka relay passes on, with the Kafka defaults. */
interface RelayCommonOptions extends Omit<OutboxRelayOptions, 'publisher' | 'owner' | 'backoff'> {
  /** This relay's lease owner id; must differ between relays. Default `kafka-relay-<uuid>`. */
  readonly owner?: string;
  /** Messages per `sendBatch`. Default 500. */
  readonly batchSize?: number;
  /**
   * How long a claim lasts. Must comfortably exceed one publish (including kafkajs' retries,
   * about 15 s by default): when a lease runs out mid-publish, another relay may publish the same
   * messages again (duplicates, which the inbox absorbs). Default 60 000 ms.
   */
  readonly leaseMs?: number;
  /** Wait after a pass that found nothing to publish. Default 100 ms; `notify()` cuts it short. */
  readonly pollMs?: number;
  /** Wait after a failed pass (broker or database down), growing per consecutive failure. Default 200 ms up to 5 s. */
  readonly errorBackoff?: BackoffPolicy;
}

/** Options of {@link createKafkaOutboxRelay}: an outbox plus a publisher, or a kafkajs client to make one from. */
export type KafkaOutboxRelayOptions = RelayCommonOptions &
  (
    | { readonly publisher: Publisher }
    | ({ readonly publisher?: undefined } & Omit<KafkaPublisherOptions, 'kafka'> & { readonly kafka: Kafka })
  );

/**
 * The kernel's outbox relay (`createOutboxRelay`: pipelined, at least once, per-stream order,
 * several relays at once) publishing to Kafka, with this adapter's defaults: a
 * {@link createKafkaPublisher} made from `kafka` (or the `publisher` given), owner
 * `kafka-relay-<uuid>`, 500 messages per `sendBatch`, 60 s leases, a 100 ms poll. The same as
 *
 * ```ts
 * createOutboxRelay({ outbox, publisher: createKafkaPublisher({ kafka }), owner, batchSize: 500, leaseMs: 60_000, pollMs: 100 })
 * ```
 *
 * except that `stop()` also closes the publisher the relay made (never one it was given).
 *
 * Bad options (empty `owner`, `batchSize` not a positive integer, `leaseMs` not a positive
 * number, ...) throw the kernel's `InvalidInputError` with code `invalid_options` and one issue
 * naming the option.
 */
export const createKafkaOutboxRelay = (options: KafkaOutboxRelayOptions): OutboxRelay => {
  const { publisher: given, errorBackoff, owner, batchSize, leaseMs, pollMs, ...rest } = options;
  const made: { publisher?: KafkaPublisher } = {};
  // The Kafka options (`kafka`, `route`, producer settings) in `rest` are the publisher's; the
  // kernel's relay ignores them.
  const relay = createOutboxRelay({
    ...rest,
    owner: owner ?? `kafka-relay-${randomUUID()}`,
    batchSize: batchSize ?? 500,
    leaseMs: leaseMs ?? 60_000,
    pollMs: pollMs ?? 100,
    ...(errorBackoff === undefined ? {} : { backoff: errorBackoff }),
    publisher: given ?? { publish: (messages) => made.publisher!.publish(messages) },
  });
  if (given !== undefined) return relay;
  // Made once the relay's options passed its checks.
  const publisher = createKafkaPublisher(options as KafkaPublisherOptions);
  made.publisher = publisher;
  return {
    owner: relay.owner,
    start: () => relay.start(),
    async stop() {
      await relay.stop();
      await publisher.close();
    },
    notify: () => relay.notify(),
    runOnce: () => relay.runOnce(),
    drain: () => relay.drain(),
    published: () => relay.published(),
    get running() {
      return relay.running;
    },
    health: () => relay.health(),
  };
};
