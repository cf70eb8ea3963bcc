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
import { assertPositiveInt, assertPositiveMs, toBigInt } from '../support/transaction';

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
 * The kernel's {@link Outbox} on `<schema>.ordo_outbox` and `<schema>.ordo_outbox_streams`.
 *
 * Per-stream order with several relays: a relay claims *streams*, not messages. One statement
 * walks the unpublished messages oldest first, skipping streams under a live lease, until it has
 * `batchSize` of them; locks their `ordo_outbox_streams` rows (`FOR UPDATE SKIP LOCKED`); stamps
 * them with the relay's `owner` and `lease_until = now() + leaseMs`; and answers those streams'
 * unpublished messages in order. So every claimed batch is a prefix of its stream's unpublished
 * messages, and no other relay takes a later message of the stream while the lease lives.
 * `FOR UPDATE` re-checks the lease on the newest row version, so two relays racing for one stream
 * cannot both win. The walk costs what it steps over (one batch plus what other relays hold),
 * not the backlog; when every unpublished message belongs to a held stream it walks them all.
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
    // One statement, one round trip:
    // 1. candidates: the oldest `batchSize` unpublished messages of streams without a live lease,
    //    an index walk in global order that steps over held streams and stops there, so its cost
    //    follows the batch and what is held, not the backlog;
    // 2. locked: their streams, FOR UPDATE SKIP LOCKED. The lock re-checks the lease on the
    //    newest row version, so two relays racing for one stream cannot both win;
    // 3. taken: those streams' unpublished messages up to the last candidate, in global order;
    //    everything of a stream up to a position is a prefix of its unpublished messages;
    // 4. leased: the streams that got messages are stamped with the owner and the lease (locked
    //    streams left without messages keep no lease; their row locks end with the statement).
    // Streams are looked up through arrays of ids, so the plan stays primary key lookups however
    // many streams the table has seen. The messages are read in the statement's snapshot: if
    // another relay claims, publishes and marks a stream between that snapshot and the lock, its
    // messages come again, as duplicates after their first publication, never out of order.
    const rows = await this.#pool.query<OutboxRow>(
      `WITH candidates AS (
         SELECT o.stream_id, o.global_position
         FROM ${outbox} o JOIN ${streams} f ON f.stream_id = o.stream_id
         WHERE o.published_at IS NULL AND (f.lease_until IS NULL OR f.lease_until <= now())
         ORDER BY o.global_position
         LIMIT $1
       ), locked AS (
         SELECT s.stream_id
         FROM ${streams} s
         WHERE s.stream_id = ANY (ARRAY(SELECT DISTINCT stream_id FROM candidates))
           AND (s.lease_until IS NULL OR s.lease_until <= now())
         FOR UPDATE SKIP LOCKED
       ), taken AS (
         SELECT o.id, o.stream_id, o.stream_version, o.global_position, o.topic, o.message_key, o.type, o.payload,
                o.headers
         FROM ${outbox} o JOIN locked l ON l.stream_id = o.stream_id
         WHERE o.published_at IS NULL AND o.global_position <= (SELECT max(global_position) FROM candidates)
         ORDER BY o.global_position
         LIMIT $1
       ), leased AS (
         UPDATE ${streams}
         SET owner = $2, lease_until = now() + $3::double precision * interval '1 millisecond', claimed_at = now()
         WHERE stream_id = ANY (ARRAY(SELECT DISTINCT stream_id FROM taken))
       )
       SELECT * FROM taken ORDER BY global_position`,
      [options.batchSize, options.owner, options.leaseMs],
    );
    return rows.rows.map(toMessage);
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
    // Shaped so that the plan stays "one primary key lookup per id": the owner check is a scalar
    // subquery (run per message, never turned into a join the planner could start from the
    // streams side, which statistics that miss the current owners make catastrophic), and the
    // streams are released through an array of their ids.
    await this.#pool.query(
      `WITH marked AS (
         UPDATE ${outbox} o SET published_at = now()
         FROM unnest($2::text[]) AS m(id)
         WHERE o.id = m.id AND o.published_at IS NULL
           AND (SELECT s.owner FROM ${streams} s WHERE s.stream_id = o.stream_id) = $1
         RETURNING o.stream_id
       )
       UPDATE ${streams} SET owner = NULL, lease_until = NULL
       WHERE stream_id = ANY (ARRAY(SELECT DISTINCT stream_id FROM marked)) AND owner = $1`,
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
