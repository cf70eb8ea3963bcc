import type { Pool } from 'pg';
import { readModelsMigration } from '../projections/json-state-store';
import { scheduledMessagesMigration } from '../scheduler/postgres-scheduler';
import { type MigrateResult, migrate } from './migrate';
import type { Migration } from './migration';
import type { SchemaName } from './schema-name';

/**
 * Migrations of the adapter's extra tables (leases, checkpoints, snapshots, outbox, inbox,
 * scheduled messages, read models), numbered from 100 so they follow the event store's own
 * (1-99) in one ordered list. Pass them to `migrate(pool, { extra: EXTRA_MIGRATIONS })`, or call
 * {@link migrateExtras}.
 *
 * Shipped steps are never edited (their checksums are recorded); add new ones instead.
 */
export const EXTRA_MIGRATIONS: ReadonlyArray<Migration> = [
  {
    version: 100,
    name: 'leases',
    // Time-bound ownership (relays, projection runners). Expiry uses the database clock, so
    // processes with skewed clocks agree; nothing is held in the session.
    sql: ({ quoted: q }: SchemaName) => `
      CREATE TABLE ${q}.ordo_leases (
        name        text PRIMARY KEY,
        owner       text NOT NULL,
        lease_until timestamptz NOT NULL,
        acquired_at timestamptz NOT NULL DEFAULT now()
      );`,
  },
  {
    version: 101,
    name: 'checkpoints',
    // position NULL: the consumer starts from the beginning (after a rebuild reset).
    sql: ({ quoted: q }: SchemaName) => `
      CREATE TABLE ${q}.ordo_checkpoints (
        name       text PRIMARY KEY,
        position   bigint CHECK (position >= 0),
        updated_at timestamptz NOT NULL DEFAULT now()
      );`,
  },
  {
    version: 102,
    name: 'snapshots',
    sql: ({ quoted: q }: SchemaName) => `
      CREATE TABLE ${q}.ordo_snapshots (
        stream_id       text NOT NULL,
        decider_version text NOT NULL,
        version         bigint NOT NULL CHECK (version >= 0),
        state           jsonb NOT NULL,
        taken_at        timestamptz NOT NULL DEFAULT now(),
        PRIMARY KEY (stream_id, decider_version)
      );`,
  },
  {
    version: 103,
    name: 'outbox',
    // ordo_outbox_streams carries the per-stream claim (owner, lease_until): relays claim whole
    // streams, never single messages, which is what keeps one stream's messages in order.
    sql: ({ quoted: q }: SchemaName) => `
      CREATE TABLE ${q}.ordo_outbox (
        id              text PRIMARY KEY,
        stream_id       text NOT NULL,
        stream_version  bigint NOT NULL,
        global_position bigint NOT NULL,
        topic           text NOT NULL,
        message_key     text NOT NULL,
        type            text NOT NULL,
        payload         jsonb NOT NULL,
        headers         jsonb NOT NULL,
        created_at      timestamptz NOT NULL DEFAULT now(),
        published_at    timestamptz
      );
      CREATE INDEX ordo_outbox_pending_ix
        ON ${q}.ordo_outbox (stream_id, global_position) WHERE published_at IS NULL;
      CREATE INDEX ordo_outbox_published_ix
        ON ${q}.ordo_outbox (published_at) WHERE published_at IS NOT NULL;
      CREATE TABLE ${q}.ordo_outbox_streams (
        stream_id   text PRIMARY KEY,
        owner       text,
        lease_until timestamptz,
        claimed_at  timestamptz
      );`,
  },
  {
    version: 104,
    name: 'inbox',
    sql: ({ quoted: q }: SchemaName) => `
      CREATE TABLE ${q}.ordo_inbox (
        consumer   text NOT NULL,
        message_id text NOT NULL,
        handled_at timestamptz NOT NULL DEFAULT now(),
        PRIMARY KEY (consumer, message_id)
      );
      CREATE INDEX ordo_inbox_handled_ix ON ${q}.ordo_inbox (handled_at);`,
  },
  {
    version: 105,
    name: 'outbox claim order',
    // A claim walks the unpublished messages oldest first and stops after one batch of messages
    // of free streams, so its cost follows the batch and what other relays hold, not the backlog.
    // The per-stream index served the old claim, which grouped the whole backlog by stream.
    sql: ({ quoted: q }: SchemaName) => `
      CREATE INDEX ordo_outbox_pending_order_ix
        ON ${q}.ordo_outbox (global_position) WHERE published_at IS NULL;
      DROP INDEX ${q}.ordo_outbox_pending_ix;`,
  },
  {
    version: 106,
    name: 'snapshots die with their stream',
    // A soft-deleted stream starts again at revision 0, so a snapshot of its earlier life would
    // be folded on top of the new events (and, being at a higher version, never replaced). The
    // snapshots go in the same transaction as the delete. A statement trigger with a transition
    // table runs once per delete, whatever the stream's length.
    sql: ({ quoted: q }: SchemaName) => `
      CREATE FUNCTION ${q}.ordo_drop_snapshots_of_deleted_streams() RETURNS trigger
      LANGUAGE plpgsql AS $fn$
      BEGIN
        DELETE FROM ${q}.ordo_snapshots s
         WHERE s.stream_id IN (SELECT DISTINCT d.stream_id FROM ordo_changed d WHERE d.deleted);
        RETURN NULL;
      END
      $fn$;
      CREATE TRIGGER ordo_events_deleted_drop_snapshots
        AFTER UPDATE ON ${q}.ordo_events
        REFERENCING NEW TABLE AS ordo_changed
        FOR EACH STATEMENT EXECUTE FUNCTION ${q}.ordo_drop_snapshots_of_deleted_streams();`,
  },
  {
    version: 107,
    name: 'outbox buckets and watermarks',
    // Relays claim buckets of streams (64, by a hash of the stream id) instead of single streams,
    // and marking publishes a bucket up to a position (its watermark) instead of stamping every
    // message: a batch of 500 messages now writes a few dozen bucket rows, not 1,000 rows and
    // their index entries. Watermarks need positions that commit in order, so messages get an
    // outbox sequence (`seq`) drawn under the store's write lock, held to COMMIT, like the events'
    // global positions. Existing rows: published ones first, then the pending ones in global
    // order, so every bucket's watermark covers exactly its published messages. Payload and
    // headers become json (text, checked on the way in): nothing queries inside them, and a
    // claim then sends them back as stored instead of printing jsonb anew for every message.
    sql: ({ quoted: q }: SchemaName) => `
      CREATE FUNCTION ${q}.ordo_outbox_bucket(stream_id text) RETURNS smallint
        LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE
        AS $fn$ SELECT (('x' || substr(md5(stream_id), 1, 8))::bit(32)::int & 63)::smallint $fn$;
      CREATE SEQUENCE ${q}.ordo_outbox_seq;
      ALTER TABLE ${q}.ordo_outbox ADD COLUMN seq bigint, ADD COLUMN bucket smallint;
      UPDATE ${q}.ordo_outbox o
         SET seq = n.seq, bucket = ${q}.ordo_outbox_bucket(o.stream_id)
        FROM (SELECT id, row_number() OVER (ORDER BY published_at IS NULL, global_position, id) AS seq
                FROM ${q}.ordo_outbox) n
       WHERE n.id = o.id;
      SELECT setval('${q}.ordo_outbox_seq', coalesce(max(seq), 1), max(seq) IS NOT NULL) FROM ${q}.ordo_outbox;
      ALTER SEQUENCE ${q}.ordo_outbox_seq OWNED BY ${q}.ordo_outbox.seq;
      ALTER TABLE ${q}.ordo_outbox
        ALTER COLUMN seq SET DEFAULT nextval('${q}.ordo_outbox_seq'),
        ALTER COLUMN seq SET NOT NULL,
        ALTER COLUMN bucket SET NOT NULL;
      CREATE UNIQUE INDEX ordo_outbox_seq_ix ON ${q}.ordo_outbox (seq) INCLUDE (bucket);
      CREATE INDEX ordo_outbox_bucket_seq_ix ON ${q}.ordo_outbox (bucket, seq);
      -- A bucket's claim: owner holds it until lease_until; its messages up to claimed_through
      -- are handed to the owner.
      CREATE TABLE ${q}.ordo_outbox_buckets (
        bucket          smallint PRIMARY KEY CHECK (bucket BETWEEN 0 AND 63),
        owner           text,
        lease_until     timestamptz,
        claimed_through bigint NOT NULL
      );
      -- A bucket's watermark: its messages up to published_through are published. A row of its
      -- own, so that marking never waits for a claim that holds the bucket's claim row.
      CREATE TABLE ${q}.ordo_outbox_watermarks (
        bucket            smallint PRIMARY KEY CHECK (bucket BETWEEN 0 AND 63),
        published_through bigint NOT NULL,
        published_at      timestamptz
      );
      INSERT INTO ${q}.ordo_outbox_watermarks (bucket, published_through)
      SELECT b, coalesce((SELECT max(seq) FROM ${q}.ordo_outbox WHERE bucket = b AND published_at IS NOT NULL), 0)
        FROM generate_series(0, 63) AS b;
      INSERT INTO ${q}.ordo_outbox_buckets (bucket, claimed_through)
      SELECT bucket, published_through FROM ${q}.ordo_outbox_watermarks;
      DROP TABLE ${q}.ordo_outbox_streams;
      DROP INDEX ${q}.ordo_outbox_pending_order_ix;
      DROP INDEX ${q}.ordo_outbox_published_ix;
      ALTER TABLE ${q}.ordo_outbox DROP COLUMN published_at,
        ALTER COLUMN payload TYPE json USING payload::json,
        ALTER COLUMN headers TYPE json USING headers::json;`,
  },
  // Defined beside the modules that use them.
  scheduledMessagesMigration,
  readModelsMigration,
];

/**
 * Creates or upgrades `schema` with the event store's tables and the extra ones (plus any of
 * your own `extra` migrations, versions >= 100 other than these). Same guarantees as `migrate`:
 * one transaction, serialised across processes, checksums checked.
 */
export const migrateExtras = (
  pool: Pool,
  options: { readonly schema?: string; readonly extra?: ReadonlyArray<Migration> } = {},
): Promise<MigrateResult> =>
  migrate(pool, {
    ...(options.schema === undefined ? {} : { schema: options.schema }),
    extra: [...EXTRA_MIGRATIONS, ...(options.extra ?? [])],
  });
