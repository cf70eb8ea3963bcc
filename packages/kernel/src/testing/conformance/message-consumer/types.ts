import type { MessageConsumer } from '../../../messaging/message-consumer';
import type { Publisher } from '../../../messaging/publisher';
import type { ConformanceSuiteCase, UnsupportedCases } from '../shared/registrar';

/** What one case of the message consumer suite works with. */
export interface MessageConsumerConformanceSetup {
  /** The consumer under test. */
  readonly consumer: MessageConsumer;
  /** Publishes to the transport `consumer` reads (the same broker, the same in-memory bus). */
  readonly publisher: Publisher;
  /**
   * Makes the case's topics ready before anything subscribes or publishes (Kafka: creates them).
   * The suite names topics and groups uniquely per case and run, so one broker serves every case.
   */
  readonly prepareTopics?: (topics: ReadonlyArray<string>) => Promise<void>;
}

/** What the message consumer suite needs from an adapter. */
export interface MessageConsumerConformanceFactory extends UnsupportedCases {
  readonly create: () => Promise<MessageConsumerConformanceSetup>;
  /** Releases what `create` made (after the case stopped its subscriptions). */
  readonly dispose?: (setup: MessageConsumerConformanceSetup) => Promise<void>;
  /** How long a case waits for deliveries before it fails; default 10 000 ms. A broker needs more. */
  readonly timeoutMs?: number;
  /** How long a case watches for deliveries that must not happen; default 200 ms. */
  readonly quietMs?: number;
}

/** One case of the message consumer suite. */
export type MessageConsumerConformanceCase = ConformanceSuiteCase<MessageConsumerConformanceFactory>;
