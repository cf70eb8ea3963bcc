import type { OutboxMessage } from './outgoing-message';

/**
 * The outbox port. Messages are written with the events (same transaction); relays claim them.
 * A claim never hands out a stream's message while an earlier message of the same stream is
 * unpublished and claimed by someone else, so several relays keep per-stream order.
 */
export interface Outbox {
  /**
   * Claims up to `batchSize` unpublished messages for `owner` for `leaseMs`, in per-stream order.
   * Without `ahead`, the owner's own unmarked claims are handed out again first (a relay restarted
   * under the same name republishes what it may not have published). With `ahead: true`, the
   * owner keeps them (it is publishing them) and gets the messages that follow, later messages
   * of the same streams included: a pipelining relay claims its next batch this way while the
   * previous one is being published, and must publish its batches in claim order.
   */
  claim(options: {
    readonly owner: string;
    readonly batchSize: number;
    readonly leaseMs: number;
    readonly ahead?: boolean;
  }): Promise<ReadonlyArray<OutboxMessage>>;
  /** Marks claimed messages as published. Ids no longer claimed by `owner` are ignored. */
  markPublished(owner: string, ids: ReadonlyArray<string>): Promise<void>;
  /** Gives claimed messages back (after a failed publish). */
  release(owner: string, ids: ReadonlyArray<string>): Promise<void>;
  /** How many messages wait to be published. */
  pending(): Promise<number>;
}
