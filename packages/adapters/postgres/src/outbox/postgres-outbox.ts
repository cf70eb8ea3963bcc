import {
  type AnyEvent,
  InvalidInputError,
  type Outbox,
  type OutboxMessage,
  type OutboxRouting,
  type RecordedEvent,
  routeByCategory,
  toOutboxMessage,
} from '@ordo/kernel';
import type { Pool, PoolClient } from 'pg';
import type { Queryable } from '../leases/lease';
import type { InTransactionHook } from '../postgres-event-store';
import { DEFAULT_SCHEMA, assertSchemaName, qualified } from '../support/qualified-name';
import { assertPositiveInt, assertPositiveMs, toBigInt, withTransaction } from '../support/transaction';

/**
 * Writes outbox messages (and registers their streams for claiming) on the caller's client,
 * normally inside the append transaction. Messages already present (same id) are left alone, so
 * a retried append that re-runs its hooks writes nothing twice. One statement per table,
 * parameterised through arrays.
 */
export const writeOutboxMessages = async (
  db: Queryable,
  schema: string,
  messages: ReadonlyArray<OutboxMessage>,
): Promise<void> => {
  if (messages.length === 0) return;
  await db.query(
    `INSERT INTO ${qualified(schema, 'ordo_outbox')}
       (id, stream_id, stream_version, global_position, topic, message_key, type, payload, headers)
     SELECT * FROM unnest($1::text[], $2::text[], $3::bigint[], $4::bigint[], $5::text[], $6::text[], $7::text[],
                          $8::jsonb[], $9::jsonb[])
     ON CONFLICT (id) DO NOTHING`,
    [
      messages.map((m) => m.id),
      messages.map((m) => m.streamId),
      messages.map((m) => m.streamVersion.toString()),
      messages.map((m) => m.globalPosition.toString()),
      messages.map((m) => m.topic),
      messages.map((m) => m.key),
      messages.map((m) => m.type),
      messages.map((m) => JSON.stringify(m.payload)),
      messages.map((m) => JSON.stringify(m.headers)),
    ],
  );
  // DO NOTHING takes no row lock on an existing row, so an append never waits for a relay that
  // is claiming the same stream. Sorted, so that two transactions insert new rows in one order.
  const streams = [...new Set(messages.map((m) => m.streamId))].sort();
  await db.query(
    `INSERT INTO ${qualified(schema, 'ordo_outbox_streams')} (stream_id)
     SELECT unnest($1::text[])
     ON CONFLICT (stream_id) DO NOTHING`,
    [streams],
  );
};

/**
 * An event store `inTransaction` hook that writes an outbox message for every appended event
 * the routing sends out (default: every event, one topic per stream category), in the append's
 * transaction: the events and their messages commit or roll back together.
 */
export const outboxHook = <E extends AnyEvent = AnyEvent>(
  schema: string = DEFAULT_SCHEMA,
  routing: OutboxRouting<E> = routeByCategory as OutboxRouting<E>,
): InTransactionHook => {
  assertSchemaName(schema);
  return async (client, appended) => {
    const messages: OutboxMessage[] = [];
    // The store records events of any type; the routing's event type is the caller's word.
    for (const event of appended as ReadonlyArray<RecordedEvent<E>>) {
      const route = routing(event);
      if (route !== undefined) messages.push(toOutboxMessage(event, route));
    }
    await writeOutboxMessages(client, schema, messages);
  };
};

interface OutboxRow {
  id: string;
  stream_id: string;
  stream_version: string;
  global_position: string;
  topic: string;
  message_key: string;
  type: string;
  payload: unknown;
  headers: Record<string, string>;
}

const toMessage = (row: OutboxRow): OutboxMessage => ({
  id: row.id,
  topic: row.topic,
  key: row.message_key,
  type: row.type,
  payload: row.payload,
  headers: row.headers,
  streamId: row.stream_id,
  streamVersion: toBigInt(row.stream_version) ?? 0n,
  globalPosition: toBigInt(row.global_position) ?? 0n,
});

const assertOwner = (owner: unknown): void => {
  if (typeof owner !== 'string' || owner.length === 0) {
    throw new InvalidInputError('invalid_owner', 'owner must be a non-empty string', [
      { path: 'owner', expected: 'non-empty string', actual: owner },
    ]);
  }
};

/**
 * The kernel's {@link Outbox} on `<schema>.outbox` and `<schema>.outbox_streams`.
 *
 * Per-stream order with several relays: a relay claims *streams*, not messages. In one short
 * transaction it locks `outbox_streams` rows of streams that have unpublished messages and no
 * live lease (`FOR UPDATE SKIP LOCKED`, oldest pending message first), stamps them with its
 * `owner` and `lease_until = now() + leaseMs`, and takes those streams' unpublished messages in
 * order. So every claimed batch is a prefix of its stream's unpublished messages, and no other
 * relay can take a later message of the stream while the lease lives. `FOR UPDATE` re-checks the
 * lease on the newest row version, so two relays racing for one stream cannot both win.
 *
 * A relay that stalls past its lease may publish a batch that a successor also publishes: the
 * first publication of each message still comes in stream order (every publisher publishes its
 * prefix in order), and the inbox absorbs the duplicates. `markPublished` releases the stream.
 */
export class PostgresOutbox implements Outbox {
  readonly #pool: Pool;
  readonly #schema: string;

  constructor(options: { readonly pool: Pool; readonly schema?: string }) {
    const schema = options.schema ?? DEFAULT_SCHEMA;
    assertSchemaName(schema);
    this.#pool = options.pool;
    this.#schema = schema;
  }

  /** The schema this outbox lives in. */
  get schema(): string {
    return this.#schema;
  }

  /** Claims up to `batchSize` messages from streams nobody else holds, in per-stream order. */
  async claim(options: {
    readonly owner: string;
    readonly batchSize: number;
    readonly leaseMs: number;
  }): Promise<ReadonlyArray<OutboxMessage>> {
    assertOwner(options.owner);
    assertPositiveInt('batchSize', options.batchSize);
    assertPositiveMs('leaseMs', options.leaseMs);
    const outbox = qualified(this.#schema, 'ordo_outbox');
    const streams = qualified(this.#schema, 'ordo_outbox_streams');
    return withTransaction(this.#pool, async (client) => {
      const locked = await client.query<{ stream_id: string }>(
        `WITH pending AS (
           SELECT stream_id, min(global_position) AS first_position
           FROM ${outbox} WHERE published_at IS NULL
           GROUP BY stream_id
         )
         SELECT s.stream_id
         FROM ${streams} s JOIN pending p ON p.stream_id = s.stream_id
         WHERE s.lease_until IS NULL OR s.lease_until <= now()
         ORDER BY p.first_position
         LIMIT $1
         FOR UPDATE OF s SKIP LOCKED`,
        [options.batchSize],
      );
      if (locked.rows.length === 0) return [];
      // A fresh statement (fresh snapshot under READ COMMITTED): sees every mark committed before
      // the stream locks were taken, so the batch starts at the stream's first unpublished message.
      const rows = await client.query<OutboxRow>(
        `SELECT id, stream_id, stream_version, global_position, topic, message_key, type, payload, headers
         FROM ${outbox}
         WHERE stream_id = ANY($1::text[]) AND published_at IS NULL
         ORDER BY global_position
         LIMIT $2`,
        [locked.rows.map((r) => r.stream_id), options.batchSize],
      );
      const taken = [...new Set(rows.rows.map((r) => r.stream_id))];
      // Streams locked but left out by the LIMIT are not leased; their row locks end at COMMIT.
      await client.query(
        `UPDATE ${streams}
         SET owner = $1, lease_until = now() + $2::double precision * interval '1 millisecond', claimed_at = now()
         WHERE stream_id = ANY($3::text[])`,
        [options.owner, options.leaseMs, taken],
      );
      return rows.rows.map(toMessage);
    });
  }

  /**
   * Marks messages published and releases their streams, only where `owner` still holds the
   * stream (a relay whose stream was taken over changes nothing; its successor republishes).
   */
  async markPublished(owner: string, ids: ReadonlyArray<string>): Promise<void> {
    assertOwner(owner);
    if (ids.length === 0) return;
    const outbox = qualified(this.#schema, 'ordo_outbox');
    const streams = qualified(this.#schema, 'ordo_outbox_streams');
    await this.#pool.query(
      `WITH marked AS (
         UPDATE ${outbox} o SET published_at = now()
         FROM ${streams} s
         WHERE o.id = ANY($2::text[]) AND o.published_at IS NULL
           AND s.stream_id = o.stream_id AND s.owner = $1
         RETURNING o.stream_id
       )
       UPDATE ${streams} s SET owner = NULL, lease_until = NULL
       WHERE s.owner = $1 AND s.stream_id IN (SELECT stream_id FROM marked)`,
      [owner, [...ids]],
    );
  }

  /** Releases the streams of these messages if `owner` holds them, so another relay can retry at once. */
  async release(owner: string, ids: ReadonlyArray<string>): Promise<void> {
    assertOwner(owner);
    if (ids.length === 0) return;
    await this.#pool.query(
      `UPDATE ${qualified(this.#schema, 'ordo_outbox_streams')} SET owner = NULL, lease_until = NULL
       WHERE owner = $1
         AND stream_id IN (SELECT stream_id FROM ${qualified(this.#schema, 'ordo_outbox')} WHERE id = ANY($2::text[]))`,
      [owner, [...ids]],
    );
  }

  /** Number of messages not yet published. */
  async pending(): Promise<number> {
    const result = await this.#pool.query<{ n: string }>(
      `SELECT count(*) AS n FROM ${qualified(this.#schema, 'ordo_outbox')} WHERE published_at IS NULL`,
    );
    return Number(result.rows[0]?.n ?? 0);
  }

  /** Deletes messages published before `olderThan`; answers how many. */
  async purgePublished(olderThan: Date): Promise<number> {
    const result = await this.#pool.query(
      `DELETE FROM ${qualified(this.#schema, 'ordo_outbox')} WHERE published_at IS NOT NULL AND published_at < $1`,
      [olderThan],
    );
    return result.rowCount ?? 0;
  }

  /** Writes messages directly (outside an append), e.g. for integration messages not tied to events. */
  async write(messages: ReadonlyArray<OutboxMessage>, client?: PoolClient): Promise<void> {
    await writeOutboxMessages(client ?? this.#pool, this.#schema, messages);
  }
}
