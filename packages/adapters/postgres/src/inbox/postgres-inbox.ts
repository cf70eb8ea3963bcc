import { type Inbox, type InboxResult, InvalidInputError } from '@ordo/kernel';
import type { Pool, PoolClient } from 'pg';
import { qualified } from '../schema/qualified-name';
import { schemaOption } from '../schema/schema-name';

const assertText = (path: string, value: unknown): void => {
  if (typeof value !== 'string' || value.length === 0) {
    // Error codes are snake_case like every other code: invalid_consumer, invalid_message_id.
    const code = `invalid_${path.replace(/[A-Z]/g, (c) => `_${c.toLowerCase()}`)}`;
    throw new InvalidInputError(code, `${path} must be a non-empty string`, [
      { path, expected: 'non-empty string', actual: value },
    ]);
  }
};

/**
 * The kernel's {@link Inbox} on `<schema>.ordo_inbox (consumer, message_id)`: the record of a message
 * and the consumer's effect commit in one transaction, on the client handed to `effect`.
 *
 * `handleOnce` = BEGIN; `INSERT ... ON CONFLICT DO NOTHING RETURNING`; no row back means the
 * message was handled already (ROLLBACK, `{ duplicate: true }`); otherwise run `effect` on the
 * same client and COMMIT. A concurrent duplicate blocks on the primary key until the first
 * transaction ends: if it committed, `ON CONFLICT DO NOTHING` answers "no row" (a duplicate, not
 * an error); if it rolled back, the waiter goes ahead and handles the message itself.
 */
export class PostgresInbox implements Inbox<PoolClient> {
  readonly #pool: Pool;
  readonly #table: string;

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
    assertText('consumer', consumer);
    assertText('messageId', messageId);
    const client = await this.#pool.connect();
    let broken: Error | undefined;
    try {
      await client.query('BEGIN');
      const inserted = await client.query(
        `INSERT INTO ${this.#table} (consumer, message_id) VALUES ($1, $2)
         ON CONFLICT (consumer, message_id) DO NOTHING
         RETURNING 1`,
        [consumer, messageId],
      );
      if (inserted.rowCount === 0) {
        await client.query('ROLLBACK');
        return { duplicate: true };
      }
      const result = await effect(client);
      await client.query('COMMIT');
      return { duplicate: false, result };
    } catch (error) {
      await client.query('ROLLBACK').catch((rollbackError: unknown) => {
        broken = rollbackError instanceof Error ? rollbackError : new Error(String(rollbackError));
      });
      throw error;
    } finally {
      client.release(broken);
    }
  }

  /** True when `consumer` has committed the handling of `messageId`. */
  async has(consumer: string, messageId: string): Promise<boolean> {
    assertText('consumer', consumer);
    assertText('messageId', messageId);
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
