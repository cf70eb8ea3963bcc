import type { MessageConsumer, Publisher } from '@ordo/kernel';

/**
 * How messages travel between the host's roles: a publisher (the relay's, and the timers' in
 * memory) and group subscriptions. Built by `memoryMessaging` or `kafkaMessaging`.
 */
export interface MessagingBackend extends MessageConsumer {
  readonly kind: 'memory' | 'kafka';
  readonly publisher: Publisher;
  /** Creates the host's topics where the transport needs them (Kafka); idempotent. */
  prepare(topics: ReadonlyArray<string>): Promise<void>;
  /** Resolves once every delivered message has been handled (in memory; Kafka has no such point: `undefined`). */
  readonly idle?: () => Promise<void>;
  /** Resolves when the transport answers; rejects with why not. */
  ping(): Promise<void>;
  /** Closes producers and clients the backend made. Stop subscriptions first. */
  close(): Promise<void>;
}
