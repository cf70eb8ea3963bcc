import {
  type AnyEvent,
  InvalidInputError,
  type Outbox,
  type OutboxMapping,
  type OutboxMessage,
  type OutboxRouting,
  type RecordedEvent,
  messagesByRouting,
  routeByCategory,
} from '@ordo/kernel';
import type { Pool, PoolClient } from 'pg';
import type { InTransactionHook } from '../event-store/postgres-event-store';
import { appendLockSql } from '../event-store/write-lock';
import { assertPositiveInt, assertPositiveMs } from '../runtime/option-checks';
import type { Queryable } from '../runtime/transaction';
import { assertSchemaName, qualified } from '../schema/qualified-name';
import { DEFAULT_SCHEMA, schemaName, schemaOption } from '../schema/schema-name';

/**
 * Writes outbox messages on the caller's client, normally inside the append transaction (or with
 * other writes that must commit with them, such as timers fired by `PostgresScheduler.fireDue`).
 * Messages already present (same id) are left alone, so a retried append that re-runs its hooks
 * writes nothing twice. One statement, parameterised through arrays. A bad `schema` throws
 * `InvalidInputError` `invalid_schema_name`; payloads and headers must be JSON.
 *
 * The statement first takes the store's write lock (held to COMMIT; an append transaction holds
 * it already), so outbox sequence numbers commit in the order they are drawn: a relay that has
 * published a bucket up to a position can never see an earlier message of it commit later.
 */
export const writeOutboxMessages = async (
  db: Queryable,
  schema: string,
  messages: ReadonlyArray<OutboxMessage>,
): Promise<void> => {
  if (messages.length === 0) return;
  await db.query(
    `WITH write_lock AS MATERIALIZED (${appendLockSql(schemaName(schema))})
     INSERT INTO ${qualified(schema, 'ordo_outbox')}
       (id, stream_id, stream_version, global_position, topic, message_key, type, payload, headers, bucket)
     SELECT m.*, ${qualified(schema, 'ordo_outbox_bucket')}(m.stream_id)
     FROM write_lock,
          unnest($1::text[], $2::text[], $3::bigint[], $4::bigint[], $5::text[], $6::text[], $7::text[],
                 $8::json[], $9::json[])
            AS m(id, stream_id, stream_version, global_position, topic, message_key, type, payload, headers)
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
};

/**
 * An event store `inTransaction` hook that writes, in the append's transaction, every outbox
 * message `mapping` answers for each appended event (none, one or several per event), in the
 * order of the events: the events and their messages commit or roll back together. A mapping
 * that throws fails the append, which then writes neither its events nor any message. Each
 * message needs an id of its own (conventionally `${eventId}:${index}`): the outbox keeps the
 * first message of an id, which is also what makes a re-run hook harmless. A bad `schema`
 * throws `InvalidInputError` `invalid_schema_name`.
 */
export const outboxMessagesHook = <E extends AnyEvent = AnyEvent>(
  schema: string,
  mapping: OutboxMapping<E>,
): InTransactionHook => {
  assertSchemaName(schema);
  return async (client, appended) => {
    const messages: OutboxMessage[] = [];
    // The store records events of any type; the mapping's event type is the caller's word.
    for (const event of appended as ReadonlyArray<RecordedEvent<E>>) {
      for (const message of mapping(event)) messages.push(message);
    }
    await writeOutboxMessages(client, schema, messages);
  };
};

/**
 * An event store `inTransaction` hook that writes an outbox message for every appended event
 * the routing sends out (default: every event, one topic per stream category), in the append's
 * transaction: the events and their messages commit or roll back together. The one-message case
 * of {@link outboxMessagesHook}.
 */
export const outboxHook = <E extends AnyEvent = AnyEvent>(
  schema: string = DEFAULT_SCHEMA,
  routing: OutboxRouting<E> = routeByCategory as OutboxRouting<E>,
): InTransactionHook => outboxMessagesHook(schema, messagesByRouting(routing));

/**
 * One claimed message as the claim statement sends it: a JSON array, so that a batch travels as
 * one JSON value parsed in one call (positions as strings: JSON numbers stop being exact at 2^53).
 */
type ClaimedRow = [
  id: string,
  streamId: string,
  streamVersion: string,
  globalPosition: string,
  topic: string,
  key: string,
  type: string,
  payloadJson: string,
  headers: Record<string, string>,
  bucket: number,
  seq: string,
];

/**
 * A claimed message. The payload stays JSON text until something reads `payload` (a Kafka
 * publisher sends `payloadJson` as it is and never parses it).
 */
const toMessage = (row: ClaimedRow): OutboxMessage => {
  const json = row[7];
  let payload: unknown;
  let parsed = false;
  return {
    id: row[0],
    topic: row[4],
    key: row[5],
    type: row[6],
    get payload(): unknown {
      if (!parsed) {
        payload = JSON.parse(json);
        parsed = true;
      }
      return payload;
    },
    payloadJson: json,
    headers: row[8],
    streamId: row[1],
    streamVersion: BigInt(row[2]),
    globalPosition: BigInt(row[3]),
  };
};

/** Buckets the streams are spread over (fixed by migration 107's `ordo_outbox_bucket`). */
const BUCKETS = 64;

/** Claimed messages remembered for marking without a lookup; beyond this, marks look ids up. */
const MAX_REMEMBERED_CLAIMS = 100_000;

/**
 * A CTE that lets the statement's transaction commit without waiting for its WAL to reach disk
 * (`synchronous_commit = off`, for this transaction only). Used by claims and marks: if
 * PostgreSQL crashes before flushing one, it is as if it never happened, which only makes a
 * relay publish some messages again (duplicates, which consumers absorb), never skip one; WAL
 * is flushed in order, so a lost claim or mark never outlives a later synchronous commit.
 * Message writes, in the append transaction, keep the caller's durability.
 */
const NO_FLUSH_WAIT = `no_flush_wait AS MATERIALIZED (SELECT set_config('synchronous_commit', 'off', true))`;

const assertOwner = (owner: unknown): void => {
  if (typeof owner !== 'string' || owner.length === 0) {
    throw new InvalidInputError('invalid_owner', 'owner must be a non-empty string', [
      { path: 'owner', expected: 'non-empty string', actual: owner },
    ]);
  }
};

/**
 * The kernel's {@link Outbox} on `<schema>.ordo_outbox`, `ordo_outbox_buckets` (claims) and
 * `ordo_outbox_watermarks`.
 *
 * Streams are spread over 64 buckets by a hash of their id (`ordo_outbox_bucket`), and a relay
 * claims buckets, never single messages: a bucket has at most one owner under a live lease, and
 * only the owner is handed its messages. Each bucket has two positions in the outbox sequence:
 * `claimed_through` (its messages up to there are handed to the owner) and, in a row of its own,
 * `published_through` (its messages up to there are published). A claim walks the messages after
 * those positions oldest first over the buckets it holds or can take, up to `batchSize`, and
 * moves `claimed_through`; marking moves `published_through`, and a bucket whose claims are all
 * marked is free for any relay. So a batch writes one row per bucket it touches, not one per
 * message, every claimed batch is a prefix of each of its streams' unpublished messages, and a
 * mark never waits for a claim (they write different rows).
 *
 * `ahead: true` continues after the owner's unmarked claims (a pipelining relay claims the next
 * batch while the previous one is published); without it a claim hands the owner's unmarked
 * claims out again (a relay restarted under the same name). A lease that runs out passes the
 * bucket to the next relay that claims, from `published_through`: the stalled relay's batch is
 * published twice, its first publications still in stream order; the inbox absorbs duplicates.
 *
 * Several relays: each holds the buckets of its batches in flight, so under load one relay tends
 * to keep the buckets it works on while others take the free ones. Sequence numbers are drawn
 * under the store's write lock (by `outboxHook` and `write`), so positions commit in order.
 */
export class PostgresOutbox implements Outbox {
  readonly #pool: Pool;
  readonly #schema: string;
  /**
   * Bucket and sequence number (packed in one number, `seq * BUCKETS + bucket`) of the messages
   * this instance claimed and has not yet marked or released, so that a mark sends one position per bucket instead of every id. Ids it does not
   * know (claimed by another instance, or forgotten past the cap) are looked up in the table.
   */
  readonly #claimed = new Map<string, number>();

  /** A bad `schema` throws `InvalidInputError` `invalid_options` (issue path `schema`). */
  constructor(options: { readonly pool: Pool; readonly schema?: string }) {
    this.#pool = options.pool;
    this.#schema = schemaOption(options.schema).name;
  }

  /** The schema this outbox lives in. */
  get schema(): string {
    return this.#schema;
  }

  /**
   * Claims up to `batchSize` messages of buckets nobody else holds, oldest first, for `leaseMs`.
   * `ahead`: keep this owner's unmarked claims and continue after them. A bad `batchSize` (not a
   * positive integer) or `leaseMs` rejects with `InvalidInputError` `invalid_options` naming it;
   * an empty `owner` with `invalid_owner`.
   */
  async claim(options: {
    readonly owner: string;
    readonly batchSize: number;
    readonly leaseMs: number;
    readonly ahead?: boolean;
  }): Promise<ReadonlyArray<OutboxMessage>> {
    assertOwner(options.owner);
    assertPositiveInt('batchSize', options.batchSize);
    assertPositiveMs('leaseMs', options.leaseMs);
    const outbox = qualified(this.#schema, 'ordo_outbox');
    const buckets = qualified(this.#schema, 'ordo_outbox_buckets');
    const watermarks = qualified(this.#schema, 'ordo_outbox_watermarks');
    // One statement, one round trip:
    // 1. mine: the owner's buckets with messages after its start, locked in bucket order (so two
    //    claims of one owner queue up instead of deadlocking); they start after what is claimed
    //    (ahead) or after what is published (claimed again);
    // 2. free: unowned buckets, expired leases and buckets whose owner has marked all it claimed,
    //    with messages after their watermark; SKIP LOCKED, so relays never wait for each other.
    //    `mine` is read first and `free` never waits, so no claim waits while holding a lock
    //    another claim waits for;
    // 3. low: the first message after its start in each locked bucket (one index probe each),
    //    so the walk starts where messages wait, not at a bucket's last message long ago;
    // 4. taken: the walk in sequence order from low (an index range: low is a scalar subquery),
    //    keeping messages after their bucket's start;
    // 5. leased: buckets that got messages are stamped (owner, lease, claimed_through); the
    //    owner's buckets claimed again without getting any are freed.
    // Claim rows are read at their newest version once locked. Watermarks are read unlocked (a
    // mark never waits for a claim): one that moved after this statement began only makes this
    // claim hand out again messages that were just published.
    const rows = await this.#pool.query<{ batch: unknown }>(
      `WITH ${NO_FLUSH_WAIT}, mine AS MATERIALIZED (
         SELECT b.bucket, s.start, true AS was_mine
         FROM ${buckets} b JOIN ${watermarks} w ON w.bucket = b.bucket
           CROSS JOIN LATERAL (SELECT CASE WHEN $4::boolean THEN greatest(b.claimed_through, w.published_through)
                                           ELSE w.published_through END AS start) s
         WHERE b.owner = $2
           AND EXISTS (SELECT 1 FROM ${outbox} o WHERE o.bucket = b.bucket AND o.seq > s.start)
         ORDER BY b.bucket
         FOR UPDATE OF b
       ), free AS MATERIALIZED (
         SELECT b.bucket, w.published_through AS start, false AS was_mine
         FROM ${buckets} b JOIN ${watermarks} w ON w.bucket = b.bucket
         WHERE (b.owner IS NULL
                OR (b.owner <> $2 AND (b.lease_until <= now() OR b.claimed_through <= w.published_through)))
           AND EXISTS (SELECT 1 FROM ${outbox} o WHERE o.bucket = b.bucket AND o.seq > w.published_through)
         FOR UPDATE OF b SKIP LOCKED
       ), locked AS MATERIALIZED (
         SELECT * FROM mine UNION ALL SELECT * FROM free
       ), bounds AS MATERIALIZED (
         SELECT ARRAY(SELECT l.start FROM generate_series(0, ${BUCKETS - 1}) AS g LEFT JOIN locked l ON l.bucket = g ORDER BY g)
                  AS starts,
                (SELECT min(n.seq) FROM locked l
                   CROSS JOIN LATERAL (SELECT o.seq FROM ${outbox} o WHERE o.bucket = l.bucket AND o.seq > l.start
                                       ORDER BY o.seq LIMIT 1) n) AS low
       ), taken AS MATERIALIZED (
         SELECT o.seq, o.bucket, o.id, o.stream_id, o.stream_version, o.global_position, o.topic, o.message_key,
                o.type, o.payload, o.headers
         FROM ${outbox} o
         WHERE o.seq >= (SELECT low FROM bounds) AND o.seq > (SELECT starts FROM bounds)[o.bucket + 1]
         ORDER BY o.seq
         LIMIT $1
       ), tops AS (
         SELECT bucket, max(seq) AS top FROM taken GROUP BY bucket
       ), leased AS (
         UPDATE ${buckets} b
         SET owner = CASE WHEN t.top IS NULL THEN NULL ELSE $2 END,
             lease_until = CASE WHEN t.top IS NULL THEN NULL
                                ELSE now() + $3::double precision * interval '1 millisecond' END,
             claimed_through = coalesce(t.top, l.start)
         FROM locked l LEFT JOIN tops t ON t.bucket = l.bucket
         WHERE b.bucket = l.bucket AND (t.top IS NOT NULL OR (l.was_mine AND NOT $4::boolean))
       )
       SELECT coalesce(json_agg(json_build_array(id, stream_id, stream_version::text, global_position::text, topic,
                                                 message_key, type, payload::text, headers, bucket, seq::text)
                                ORDER BY seq), '[]') AS batch
       FROM taken, no_flush_wait`,
      [options.batchSize, options.owner, options.leaseMs, options.ahead === true],
    );
    const batch = (rows.rows[0]?.batch ?? []) as ClaimedRow[];
    if (this.#claimed.size + batch.length > MAX_REMEMBERED_CLAIMS) this.#claimed.clear();
    return batch.map((row) => {
      const at = Number(row[10]) * BUCKETS + row[9];
      if (Number.isSafeInteger(at)) this.#claimed.set(row[0], at);
      return toMessage(row);
    });
  }

  /**
   * Marks messages published where `owner` still holds their buckets (a relay whose bucket was
   * taken over changes nothing; its successor republishes). A bucket is published up to the
   * newest of its given messages: a relay publishes its claims in order, so the owner's earlier
   * claims in that bucket count as published too. A bucket whose claims are all marked is free
   * for any relay to claim.
   */
  async markPublished(owner: string, ids: ReadonlyArray<string>): Promise<void> {
    assertOwner(owner);
    if (ids.length === 0) return;
    const outbox = qualified(this.#schema, 'ordo_outbox');
    const buckets = qualified(this.#schema, 'ordo_outbox_buckets');
    const watermarks = qualified(this.#schema, 'ordo_outbox_watermarks');
    const tops = this.#topsOf(ids);
    // Per bucket, the newest position to mark: known from the claim, or looked up by id.
    const marked =
      tops === undefined
        ? `SELECT o.bucket, max(o.seq) AS top FROM ${outbox} o WHERE o.id = ANY ($2::text[]) GROUP BY o.bucket`
        : 'SELECT * FROM unnest($2::smallint[], $3::bigint[]) AS m(bucket, top)';
    // Only watermark rows are written (locked in bucket order, so concurrent marks queue up);
    // claim rows are read without a lock, so a mark never waits for a claim. If the bucket
    // changed hands meanwhile, this still only records what this owner did publish.
    await this.#pool.query(
      `WITH ${NO_FLUSH_WAIT}, marked AS MATERIALIZED (
         ${marked}
       ), held AS MATERIALIZED (
         SELECT m.bucket, m.top FROM marked m JOIN ${buckets} b ON b.bucket = m.bucket
         WHERE b.owner = $1 AND m.top <= b.claimed_through
       ), locked AS MATERIALIZED (
         SELECT w.bucket FROM ${watermarks} w
         WHERE w.bucket = ANY (ARRAY(SELECT bucket FROM held))
         ORDER BY w.bucket
         FOR UPDATE
       )
       UPDATE ${watermarks} w
       SET published_through = greatest(w.published_through, h.top), published_at = now()
       FROM held h JOIN locked l ON l.bucket = h.bucket, no_flush_wait
       WHERE w.bucket = h.bucket`,
      tops === undefined
        ? [owner, [...ids]]
        : [owner, [...tops.keys()], [...tops.values()].map((seq) => seq.toString())],
    );
    for (const id of ids) this.#claimed.delete(id);
  }

  /** Newest claimed position per bucket of `ids`, when this instance claimed every one of them. */
  #topsOf(ids: ReadonlyArray<string>): Map<number, number> | undefined {
    const tops = new Map<number, number>();
    for (const id of ids) {
      const at = this.#claimed.get(id);
      if (at === undefined) return undefined;
      const bucket = at % BUCKETS;
      const seq = (at - bucket) / BUCKETS;
      if (seq > (tops.get(bucket) ?? -1)) tops.set(bucket, seq);
    }
    return tops;
  }

  /**
   * Gives back what `owner` claimed in the buckets of these messages (everything it claimed there
   * and has not marked), so that any relay can claim it again at once.
   */
  async release(owner: string, ids: ReadonlyArray<string>): Promise<void> {
    assertOwner(owner);
    if (ids.length === 0) return;
    const outbox = qualified(this.#schema, 'ordo_outbox');
    const buckets = qualified(this.#schema, 'ordo_outbox_buckets');
    const watermarks = qualified(this.#schema, 'ordo_outbox_watermarks');
    await this.#pool.query(
      `WITH held AS MATERIALIZED (
         SELECT b.bucket FROM ${buckets} b
         WHERE b.bucket = ANY (ARRAY(SELECT DISTINCT o.bucket FROM ${outbox} o WHERE o.id = ANY ($2::text[])))
           AND b.owner = $1
         ORDER BY b.bucket
         FOR UPDATE
       )
       UPDATE ${buckets} b SET owner = NULL, lease_until = NULL, claimed_through = w.published_through
       FROM held h JOIN ${watermarks} w ON w.bucket = h.bucket
       WHERE b.bucket = h.bucket AND b.owner = $1`,
      [owner, [...ids]],
    );
    for (const id of ids) this.#claimed.delete(id);
  }

  /** Number of messages not yet published. */
  async pending(): Promise<number> {
    // Per bucket, an index range after its watermark: published rows awaiting a purge cost nothing.
    const result = await this.#pool.query<{ n: string }>(
      `SELECT coalesce(sum(c.n), 0) AS n FROM ${qualified(this.#schema, 'ordo_outbox_watermarks')} w
       CROSS JOIN LATERAL (SELECT count(*) AS n FROM ${qualified(this.#schema, 'ordo_outbox')} o
                           WHERE o.bucket = w.bucket AND o.seq > w.published_through) c`,
    );
    return Number(result.rows[0]?.n ?? 0);
  }

  /** Deletes published messages written before `olderThan`; answers how many. */
  async purgePublished(olderThan: Date): Promise<number> {
    if (!(olderThan instanceof Date) || Number.isNaN(olderThan.getTime())) {
      throw new InvalidInputError('invalid_outbox_request', 'olderThan must be a valid Date', [
        { path: 'olderThan', expected: 'valid Date', actual: olderThan },
      ]);
    }
    const result = await this.#pool.query(
      `DELETE FROM ${qualified(this.#schema, 'ordo_outbox')} o USING ${qualified(this.#schema, 'ordo_outbox_watermarks')} w
       WHERE o.bucket = w.bucket AND o.seq <= w.published_through AND o.created_at < $1`,
      [olderThan],
    );
    return result.rowCount ?? 0;
  }

  /** Writes messages directly (outside an append), e.g. for integration messages not tied to events. */
  async write(messages: ReadonlyArray<OutboxMessage>, client?: PoolClient): Promise<void> {
    await writeOutboxMessages(client ?? this.#pool, this.#schema, messages);
  }
}
