import type { Inbox, InboxBatchResult, InboxResult } from '@ordo/kernel';
import { assertValidInboxBatch, assertValidInboxKey } from '@ordo/kernel/adapter-kit';
import type { Pool, PoolClient } from 'pg';
import { withTransaction } from '../runtime/transaction';
import { qualified } from '../schema/qualified-name';
import { schemaOption } from '../schema/schema-name';

/**
 * The kernel's {@link Inbox} on `<schema>.ordo_inbox (consumer, message_id)`: the record of a message
 * and the consumer's effect commit in one transaction, on the client handed to `effect`.
 *
 * `handleOnce` = BEGIN; `INSERT ... ON CONFLICT DO NOTHING RETURNING`; no row back means the
 * message was handled already (`{ duplicate: true }`, committing nothing); otherwise run `effect` on the
 * same client and COMMIT. A concurrent duplicate blocks on the primary key until the first
 * transaction ends: if it committed, `ON CONFLICT DO NOTHING` answers "no row" (a duplicate, not
 * an error); if it rolled back, the waiter goes ahead and handles the message itself.
 *
 * `handleBatch` = the same with one statement for every id: `INSERT ... SELECT unnest($2::text[])
 * ON CONFLICT DO NOTHING RETURNING message_id`; the ids that come back are the fresh ones. The ids
 * are inserted in sorted order, so two batches sharing ids take their row locks in the same order
 * and wait for each other instead of deadlocking.
 */
export class PostgresInbox implements Inbox<PoolClient> {
  readonly #pool: Pool;
  readonly #table: string;
  /** The effect's writes through `tx` roll back with its records when it throws. */
  readonly rollsBackEffects = true;

  /** A bad `schema` throws `InvalidInputError` `invalid_options` (issue path `schema`). */
  constructor(options: { readonly pool: Pool; readonly schema?: string }) {
    this.#pool = options.pool;
    this.#table = qualified(schemaOption(options.schema).name, 'ordo_inbox');
  }

  /**
   * Runs `effect` once per (consumer, messageId). An `effect` that throws rolls back both its own
   * writes and the inbox record, so a redelivery runs it again; the error is rethrown.
   */
  async handleOnce<R>(
    consumer: string,
    messageId: string,
    effect: (tx: PoolClient) => Promise<R>,
  ): Promise<InboxResult<R>> {
    assertValidInboxKey(consumer, messageId);
    // A duplicate commits a transaction that wrote nothing: the same as rolling it back.
    return withTransaction(this.#pool, async (client): Promise<InboxResult<R>> => {
      const inserted = await client.query(
        `INSERT INTO ${this.#table} (consumer, message_id) VALUES ($1, $2)
         ON CONFLICT (consumer, message_id) DO NOTHING
         RETURNING 1`,
        [consumer, messageId],
      );
      if (inserted.rowCount === 0) return { duplicate: true };
      return { duplicate: false, result: await effect(client) };
    });
  }

  /**
   * Runs `effect(tx, fresh)` once for the ids of `messageIds` not handled before, in one
   * transaction with their records (see {@link Inbox.handleBatch}). No fresh id: the effect does
   * not run, and the transaction commits nothing. An `effect` that throws rolls back its writes and every record.
   */
  async handleBatch<R>(
    consumer: string,
    messageIds: ReadonlyArray<string>,
    effect: (tx: PoolClient, fresh: ReadonlyArray<string>) => Promise<R>,
  ): Promise<InboxBatchResult<R>> {
    assertValidInboxBatch(consumer, messageIds);
    return withTransaction(this.#pool, async (client): Promise<InboxBatchResult<R>> => {
      const inserted = await client.query<{ message_id: string }>(
        `INSERT INTO ${this.#table} (consumer, message_id)
         SELECT $1, id FROM unnest($2::text[]) AS id
         ON CONFLICT (consumer, message_id) DO NOTHING
         RETURNING message_id`,
        [consumer, [...messageIds].sort()],
      );
      const recorded = new Set(inserted.rows.map((row) => row.message_id));
      const fresh = messageIds.filter((id) => recorded.has(id));
      const duplicates = messageIds.filter((id) => !recorded.has(id));
      if (fresh.length === 0) return { ran: false, fresh: [], duplicates };
      return { ran: true, fresh, duplicates, result: await effect(client, fresh) };
    });
  }

  /** True when `consumer` has committed the handling of `messageId`. */
  async has(consumer: string, messageId: string): Promise<boolean> {
    assertValidInboxKey(consumer, messageId);
    const result = await this.#pool.query(`SELECT 1 FROM ${this.#table} WHERE consumer = $1 AND message_id = $2`, [
      consumer,
      messageId,
    ]);
    return result.rowCount === 1;
  }

  /** Deletes records handled before `olderThan` (keep them longer than any redelivery window). */
  async purge(olderThan: Date): Promise<number> {
    const result = await this.#pool.query(`DELETE FROM ${this.#table} WHERE handled_at < $1`, [olderThan]);
    return result.rowCount ?? 0;
  }
}
