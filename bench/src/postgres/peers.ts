import { randomUUID } from 'node:crypto';
import { dumbo } from '@event-driven-io/dumbo';
import { getPostgreSQLEventStore, readMessagesBatch } from '@event-driven-io/emmett-postgresql';
import { ORDO_TYPES, type PostgresEventStore, createPostgresEventStore } from '@ordo/adapter-postgres';
import pg from 'pg';

/** One event of the benchmark: about 300 bytes of data and metadata, like a small domain event. */
export interface BenchEvent {
  readonly id: string;
  readonly type: string;
  readonly data: Readonly<Record<string, unknown>>;
}

export const benchEvent = (i: number): BenchEvent => ({
  id: randomUUID(),
  type: 'ItemAdded',
  data: {
    orderId: `order-${i % 1000}`,
    sku: `sku-${i % 97}`,
    quantity: 1 + (i % 5),
    unitPrice: 1999,
    currency: 'EUR',
    note: 'gift wrap, deliver after 18:00',
  },
});

const occurredAt = '2024-05-01T12:00:00.000Z';

/** The work every peer does, in its own database on the same server. */
export interface Peer {
  readonly name: string;
  /** Appends without a version check (`any` / no expected version). */
  append(streamId: string, events: ReadonlyArray<BenchEvent>): Promise<void>;
  /** Reads a whole stream; answers the event count. */
  readStream(streamId: string): Promise<number>;
  /** Reads one page of the global log after a position; answers the page size and its last position. */
  readAllPage(after: bigint, maxCount: number): Promise<{ readonly count: number; readonly last: bigint }>;
  /** True when an append failure is a version conflict (counted as a rejection). */
  isConflict(error: unknown): boolean;
  close(): Promise<void>;
}

/**
 * Ordo's PostgreSQL event store (group commit), defaults except the pool; `maxInFlight` sets
 * `groupCommit.maxInFlight` (BENCH_ORDO_IN_FLIGHT). Its own schema, named after the peer.
 */
export const ordoPeer = async (
  url: string,
  name = 'ordo',
  maxInFlight?: number,
): Promise<Peer & { readonly store: PostgresEventStore }> => {
  const pool = new pg.Pool({ connectionString: url, max: 10 });
  pool.on('error', () => undefined);
  const store = await createPostgresEventStore({
    pool,
    schema: name.replace(/[^a-z0-9_]/g, '_'),
    ...(maxInFlight === undefined ? {} : { groupCommit: { maxInFlight } }),
  });
  return {
    name,
    store,
    append: async (streamId, events) => {
      await store.appendToStream(
        streamId,
        events.map((e) => ({
          event: { type: e.type, ...e.data },
          metadata: { eventId: e.id, correlationId: e.id, causationId: e.id, occurredAt },
        })),
        { expectedVersion: 'any' },
      );
    },
    readStream: async (streamId) => (await store.readStream(streamId)).length,
    readAllPage: async (after, maxCount) => {
      const page = await store.readAll({ after, maxCount });
      return { count: page.length, last: page.at(-1)?.globalPosition ?? after };
    },
    isConflict: (error) => (error as { code?: unknown } | null)?.code === 'wrong_expected_version',
    close: async () => {
      await store.close();
      await pool.end();
    },
  };
};

/** Emmett 0.42's PostgreSQL event store, defaults, with a pool as large as the writers need. */
export const emmettPeer = async (url: string, poolSize: number): Promise<Peer> => {
  const pool = new pg.Pool({ connectionString: url, max: poolSize });
  pool.on('error', () => undefined);
  const store = getPostgreSQLEventStore(url, { connectionOptions: { connectionString: url, pool } });
  await store.schema.migrate();
  const reader = dumbo({ connectionString: url });
  return {
    name: 'emmett',
    append: async (streamId, events) => {
      await store.appendToStream(
        streamId,
        events.map((e) => ({
          type: e.type,
          data: e.data,
          metadata: { correlationId: e.id, causationId: e.id, occurredAt },
        })),
      );
    },
    readStream: async (streamId) => (await store.readStream(streamId)).events.length,
    readAllPage: async (after, maxCount) => {
      const batch = await readMessagesBatch(reader.execute, { after, batchSize: maxCount });
      return { count: batch.messages.length, last: batch.currentGlobalPosition };
    },
    isConflict: (error) => error instanceof Error && /version|conflict|duplicate key/i.test(error.message),
    close: async () => {
      await store.close();
      await reader.close();
      await pool.end().catch(() => undefined);
    },
  };
};

/** The raw peers' table: `ordo_events`' columns and all of its indexes. */
const createRawTable = async (pool: pg.Pool) => {
  await pool.query(`
    CREATE TABLE IF NOT EXISTS raw_events (
      global_position bigserial PRIMARY KEY,
      stream_id       text        NOT NULL,
      stream_version  bigint      NOT NULL,
      event_id        text        NOT NULL,
      event_type      text        NOT NULL,
      tenant_id       text,
      data            jsonb       NOT NULL,
      metadata        jsonb       NOT NULL,
      recorded_at     timestamptz NOT NULL DEFAULT now(),
      deleted         boolean     NOT NULL DEFAULT false
    );
    CREATE UNIQUE INDEX IF NOT EXISTS raw_events_event_id_uq ON raw_events (event_id);
    CREATE UNIQUE INDEX IF NOT EXISTS raw_events_stream_uq ON raw_events (stream_id, stream_version) WHERE NOT deleted;
    CREATE INDEX IF NOT EXISTS raw_events_tenant_ix ON raw_events (tenant_id, global_position) WHERE tenant_id IS NOT NULL;
  `);
};

/**
 * The ceiling: what PostgreSQL costs for storing the same rows, and nothing an event store adds.
 *
 * Included, as in Ordo: a table with `ordo_events`' columns and all of its indexes (primary key
 * on the position, unique event id, unique (stream, version) of live events, the partial tenant
 * index); the same data and metadata JSON, sent as text and stored as `jsonb`; one autocommit
 * transaction (one WAL flush) per append; named prepared statements.
 * - Single events: one one-row INSERT per append (a `bigserial` position per row).
 * - Batches: one multi-row `INSERT ... SELECT FROM ROWS FROM (unnest($ids), unnest($types),
 *   jsonb_array_elements($data), jsonb_array_elements($metadata)) WITH ORDINALITY` per batch.
 *   Data and metadata travel as one JSON array each, as Ordo sends them: the same documents as a
 *   `jsonb[]` literal (`unnest($data::jsonb[])`) cost the server about 20% more per batch to parse
 *   (every quote escaped once more) and the client an escaping pass, so that form would be a
 *   lower ceiling than what Ordo itself does.
 *
 * Left out, so it is an upper bound rather than a peer: no version check or stream table (versions
 * are counted in this process, which only works with one writer per stream), no idempotency
 * check, no write lock and hence no gap-free order guarantee, no outbox, no group commit
 * (concurrent appends each commit on their own connection of the pool of `poolSize`).
 *
 * `groupCommit: true` makes the "raw group commit" ceiling for concurrent single-event writers:
 * every append enqueues its rows; a coalescer on one connection takes everything queued (one
 * event-loop turn after the first arrival or the previous group, as Ordo's queue), writes it
 * as one multi-row INSERT (the batch form above, with a stream id and version per row; the one-row
 * INSERT when only one row is queued) in one autocommit transaction, then resolves all of its
 * writers, while the next appends queue behind it (one group in flight, as Ordo's default). No
 * version check, no lock, no idempotency check, no outbox: what group commit alone buys.
 */
export const rawPeer = async (
  url: string,
  poolSize: number,
  { groupCommit = false }: { readonly groupCommit?: boolean } = {},
): Promise<Peer> => {
  const pool = new pg.Pool({ connectionString: url, max: groupCommit ? 1 : poolSize });
  pool.on('error', () => undefined);
  await createRawTable(pool);
  const versions = new Map<string, number>();
  const next = (streamId: string, n: number) => {
    const v = versions.get(streamId) ?? 0;
    versions.set(streamId, v + n);
    return v;
  };
  const meta = (e: BenchEvent) => JSON.stringify({ eventId: e.id, correlationId: e.id, causationId: e.id, occurredAt });
  const body = (e: BenchEvent) => JSON.stringify({ type: e.type, ...e.data });
  const insertOne = (streamId: string, version: number, e: BenchEvent) =>
    pool.query({
      name: 'raw_insert_one',
      text: 'INSERT INTO raw_events (stream_id, stream_version, event_id, event_type, data, metadata) VALUES ($1, $2, $3, $4, $5, $6)',
      values: [streamId, version, e.id, e.type, body(e), meta(e)],
    });

  // Group commit: the queue of rows waiting for the next group, and their writers.
  interface Queued {
    readonly streamId: string;
    readonly version: number;
    readonly event: BenchEvent;
  }
  let rows: Queued[] = [];
  let writers: Array<{ resolve: () => void; reject: (error: unknown) => void }> = [];
  let flushing = false;
  let scheduled = false;
  /**
   * Forms the next group one event-loop turn later (as Ordo's queue does), so that the writers
   * just resolved by the previous group, whose next appends are microtasks, all join it.
   */
  const schedule = () => {
    if (scheduled || flushing) return;
    scheduled = true;
    setImmediate(() => {
      scheduled = false;
      void flush();
    });
  };
  const flush = async () => {
    if (rows.length === 0) return;
    flushing = true;
    const group = rows;
    const waiting = writers;
    rows = [];
    writers = [];
    try {
      if (group.length === 1) await insertOne(group[0]!.streamId, group[0]!.version, group[0]!.event);
      else {
        await pool.query({
          name: 'raw_insert_group',
          text:
            'INSERT INTO raw_events (stream_id, stream_version, event_id, event_type, data, metadata) ' +
            'SELECT v.stream, v.version, v.id, v.type, v.data, v.meta ' +
            'FROM ROWS FROM (unnest($1::text[]), unnest($2::bigint[]), unnest($3::text[]), unnest($4::text[]), ' +
            'jsonb_array_elements($5::jsonb), jsonb_array_elements($6::jsonb)) AS v(stream, version, id, type, data, meta)',
          values: [
            group.map((r) => r.streamId),
            group.map((r) => r.version),
            group.map((r) => r.event.id),
            group.map((r) => r.event.type),
            `[${group.map((r) => body(r.event)).join(',')}]`,
            `[${group.map((r) => meta(r.event)).join(',')}]`,
          ],
        });
      }
      for (const w of waiting) w.resolve();
    } catch (error) {
      for (const w of waiting) w.reject(error);
    }
    flushing = false;
    if (rows.length > 0) schedule();
  };

  return {
    name: groupCommit ? 'raw group commit' : 'raw pg',
    append: async (streamId, events) => {
      const base = next(streamId, events.length);
      if (groupCommit) {
        await new Promise<void>((resolve, reject) => {
          events.forEach((event, i) => rows.push({ streamId, version: base + i, event }));
          writers.push({ resolve, reject });
          schedule();
        });
        return;
      }
      if (events.length === 1) {
        await insertOne(streamId, base, events[0]!);
        return;
      }
      await pool.query({
        name: 'raw_insert_unnest',
        text:
          'INSERT INTO raw_events (stream_id, stream_version, event_id, event_type, data, metadata) ' +
          'SELECT $1, $2::bigint + v.ord - 1, v.id, v.type, v.data, v.meta ' +
          'FROM ROWS FROM (unnest($3::text[]), unnest($4::text[]), jsonb_array_elements($5::jsonb), jsonb_array_elements($6::jsonb)) ' +
          'WITH ORDINALITY AS v(id, type, data, meta, ord)',
        values: [
          streamId,
          base,
          events.map((e) => e.id),
          events.map((e) => e.type),
          `[${events.map(body).join(',')}]`,
          `[${events.map(meta).join(',')}]`,
        ],
      });
    },
    readStream: async (streamId) =>
      (
        await pool.query({
          name: 'raw_read_stream',
          text: 'SELECT stream_version, global_position, data, metadata FROM raw_events WHERE stream_id = $1 AND NOT deleted ORDER BY stream_version',
          values: [streamId],
          types: ORDO_TYPES,
        })
      ).rowCount ?? 0,
    readAllPage: async (after, maxCount) => {
      const { rows } = await pool.query<{ global_position: string }>({
        name: 'raw_read_all',
        text: 'SELECT global_position, stream_id, stream_version, data, metadata FROM raw_events WHERE global_position > $1 ORDER BY global_position LIMIT $2',
        values: [after.toString(), maxCount],
        types: ORDO_TYPES,
      });
      const last = rows.at(-1);
      return { count: rows.length, last: last === undefined ? after : BigInt(last.global_position) };
    },
    isConflict: (error) => (error as { code?: unknown } | null)?.code === '23505',
    close: () => pool.end(),
  };
};
