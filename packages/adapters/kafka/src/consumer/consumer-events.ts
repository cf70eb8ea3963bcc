import type { DeadLetterReason } from './dead-letter';

/** Where a message sits in Kafka. */
export interface MessagePosition {
  readonly topic: string;
  readonly partition: number;
  readonly offset: string;
}

/** What a consumer reports while it runs (for logs and metrics); it never needs an answer. */
export type ConsumerEvent =
  /** The handler failed; the message is tried again after `delayMs`. */
  | (MessagePosition & {
      readonly type: 'retrying';
      readonly messageId: string;
      readonly attempt: number;
      readonly delayMs: number;
      readonly error: unknown;
    })
  /**
   * A chunk's transaction rolled back because the batch handler (`handleBatch`) threw for its
   * `messages` messages from `offset` on, and the failing one is unknown: they are taken through
   * the single-message path one at a time (each with its own retries).
   */
  | (MessagePosition & { readonly type: 'batch-failed'; readonly messages: number; readonly error: unknown })
  /** The message went to the dead-letter topic; the partition moves on. */
  | (MessagePosition & {
      readonly type: 'dead-lettered';
      readonly reason: DeadLetterReason;
      readonly attempts: number;
      readonly deadLetterTopic: string;
      readonly error: unknown;
    })
  /**
   * The inbox (outside the handler) or the dead-letter send failed: not the message's fault, so
   * it is retried without limit (and without counting as a handler attempt) until it works or
   * the consumer stops.
   */
  | (MessagePosition & {
      readonly type: 'infrastructure-error';
      readonly stage: 'inbox' | 'dead-letter';
      readonly failures: number;
      readonly delayMs: number;
      readonly error: unknown;
    })
  /** An offset commit failed (rebalance, broker away); the messages come again and the inbox absorbs them. */
  | (MessagePosition & { readonly type: 'commit-failed'; readonly error: unknown })
  /** The consumer joined its group and got these partitions. */
  | {
      readonly type: 'group-joined';
      readonly memberId: string;
      readonly assignment: Readonly<Record<string, ReadonlyArray<number>>>;
    }
  /** kafkajs gave up on the consumer; with `restart` it builds it again by itself. */
  | { readonly type: 'crashed'; readonly error: unknown; readonly restart: boolean };
