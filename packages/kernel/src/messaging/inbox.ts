/** What {@link Inbox.handleOnce} answers. */
export type InboxResult<R> = { readonly duplicate: true } | { readonly duplicate: false; readonly result: R };

/**
 * The inbox port: consumer-side dedup. `effect` and the record of `messageId` commit together
 * (one transaction in PostgreSQL), so a redelivered message has no second effect.
 */
export interface Inbox<Tx = void> {
  handleOnce<R>(consumer: string, messageId: string, effect: (tx: Tx) => Promise<R>): Promise<InboxResult<R>>;
  /** True when the consumer has already handled the message. */
  has(consumer: string, messageId: string): Promise<boolean>;
}
