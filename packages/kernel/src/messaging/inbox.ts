import { InvalidInputError } from '../model/errors';

/** What {@link Inbox.handleOnce} answers. */
export type InboxResult<R> = { readonly duplicate: true } | { readonly duplicate: false; readonly result: R };

/**
 * What {@link Inbox.handleBatch} answers: the ids it handled (`fresh`) and the ids some earlier or
 * concurrent call had handled (`duplicates`), each in the order given. The effect ran (`ran: true`,
 * with its `result`) exactly when at least one id was fresh; otherwise `fresh` is empty.
 */
export type InboxBatchResult<R> =
  | {
      readonly ran: true;
      readonly fresh: ReadonlyArray<string>;
      readonly duplicates: ReadonlyArray<string>;
      readonly result: R;
    }
  | { readonly ran: false; readonly fresh: ReadonlyArray<string>; readonly duplicates: ReadonlyArray<string> };

/**
 * The inbox port: consumer-side dedup. `effect` and the record of `messageId` commit together
 * (one transaction in PostgreSQL), so a redelivered message has no second effect.
 *
 * Bad input is refused before anything runs, with the same `InvalidInputError` from every
 * adapter (see {@link assertValidInboxKey} and {@link assertValidInboxBatch}).
 */
export interface Inbox<Tx = void> {
  handleOnce<R>(consumer: string, messageId: string, effect: (tx: Tx) => Promise<R>): Promise<InboxResult<R>>;
  /** True when the consumer has already handled the message. */
  has(consumer: string, messageId: string): Promise<boolean>;
  /**
   * Whether the writes of an effect that throws are undone with its records: true (also when
   * absent) for an inbox whose `tx` is a database transaction; false for one without transactions
   * (memory), where what an effect did before it threw stays done. A caller that runs several
   * messages' handlers in one `handleBatch` effect reads it to decide, after one handler failed,
   * whether the handlers that completed before it must run again (their writes were rolled back)
   * or must only be recorded (their writes stand).
   */
  readonly rollsBackEffects?: boolean;
  /**
   * Optional: many messages in one transaction. One step checks and records every id of
   * `messageIds` for `consumer`; `effect` then runs once, in the same transaction, with the ids
   * that were not handled before (`fresh`, in the order given), and everything commits together.
   * When no id is fresh the effect does not run. An effect that throws records none of the ids
   * and the error is rethrown, so the whole batch can be handled again. Concurrent calls (batches
   * or `handleOnce`) sharing ids run each id's effect once: a call waits for the one holding an id
   * and then sees it handled, or handles it itself when that one failed.
   *
   * `messageIds` must be a non-empty array of distinct non-empty strings: an empty array or a
   * repeated id is refused (`invalid_message_id`), because a batch whose id appears twice has no
   * single answer for that id. Consumers that may hold a redelivered copy in the same fetch split
   * the batch before the repeat and let the inbox report it as a duplicate.
   */
  handleBatch?<R>(
    consumer: string,
    messageIds: ReadonlyArray<string>,
    effect: (tx: Tx, fresh: ReadonlyArray<string>) => Promise<R>,
  ): Promise<InboxBatchResult<R>>;
}

/** An {@link Inbox} that has the batch method. */
export type BatchInbox<Tx = void> = Inbox<Tx> & Required<Pick<Inbox<Tx>, 'handleBatch'>>;

/** True when `inbox` has {@link Inbox.handleBatch}. */
export const hasHandleBatch = <Tx>(inbox: Inbox<Tx>): inbox is BatchInbox<Tx> =>
  typeof inbox.handleBatch === 'function';

const nonEmptyText = (value: unknown): value is string => typeof value === 'string' && value.length > 0;

const refusal = (code: string, path: string, expected: string, actual: unknown, message: string) =>
  new InvalidInputError(code, message, [{ path, expected, actual }]);

/**
 * The one check of `handleOnce` / `has` input, for every inbox adapter: `consumer` and
 * `messageId` must be non-empty strings, else `InvalidInputError` `invalid_consumer` (path
 * `consumer`) or `invalid_message_id` (path `messageId`).
 */
export const assertValidInboxKey = (consumer: unknown, messageId: unknown): void => {
  if (!nonEmptyText(consumer))
    throw refusal('invalid_consumer', 'consumer', 'non-empty string', consumer, 'consumer must be a non-empty string');
  if (!nonEmptyText(messageId))
    throw refusal(
      'invalid_message_id',
      'messageId',
      'non-empty string',
      messageId,
      'messageId must be a non-empty string',
    );
};

/**
 * The one check of `handleBatch` input, for every inbox adapter: `consumer` a non-empty string
 * (`invalid_consumer`), `messageIds` a non-empty array (`invalid_message_id`, path `messageIds`)
 * of non-empty strings, none repeated (`invalid_message_id`, path `messageIds.<index>` of the bad
 * or repeated entry).
 */
export const assertValidInboxBatch = (consumer: unknown, messageIds: unknown): void => {
  if (!nonEmptyText(consumer))
    throw refusal('invalid_consumer', 'consumer', 'non-empty string', consumer, 'consumer must be a non-empty string');
  if (!Array.isArray(messageIds) || messageIds.length === 0)
    throw refusal(
      'invalid_message_id',
      'messageIds',
      'non-empty array of message ids',
      messageIds,
      'messageIds must be a non-empty array of message ids',
    );
  const ids = messageIds as ReadonlyArray<unknown>;
  const seen = new Map<string, number>();
  for (let i = 0; i < ids.length; i++) {
    const id = ids[i];
    if (!nonEmptyText(id))
      throw refusal(
        'invalid_message_id',
        `messageIds.${i}`,
        'non-empty string',
        id,
        `messageIds.${i} must be a non-empty string`,
      );
    const first = seen.get(id);
    if (first !== undefined)
      throw refusal(
        'invalid_message_id',
        `messageIds.${i}`,
        'an id not already in the batch',
        id,
        `messageIds.${i} repeats messageIds.${first} (${JSON.stringify(id)}): the ids of one batch must be distinct`,
      );
    seen.set(id, i);
  }
};
