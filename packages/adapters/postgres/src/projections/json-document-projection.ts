import {
  type AnyEvent,
  type EventStore,
  InvalidInputError,
  type ProjectedState,
  type Projection,
  type ProjectionHandler,
  type RecordedEvent,
  rebuildProjection,
  invalidOptionError,
} from '@ordo/kernel';
import { initialProjected, projectBatch } from '@ordo/kernel/adapter-kit';
import type { Pool, PoolClient } from 'pg';
import { appendLockSql } from '../event-store/write-lock';
import { jsonbText } from '../runtime/json-text';
import { toBigInt } from '../runtime/pg-types';
import { type Queryable, withTransaction } from '../runtime/transaction';
import type { Migration } from '../schema/migration';
import { qualified } from '../schema/qualified-name';
import { SCHEMA_NAME_PATTERN, schemaOption } from '../schema/schema-name';

/** Table of the JSON documents when none is named: one row per projection name. */
export const JSON_DOCUMENTS_TABLE = 'ordo_projection_documents';

/**
 * A table name must follow the schema-name rule (`^[a-z_][a-z0-9_]{0,62}$`): it is spliced into
 * SQL text, so nothing else may reach it.
 */
const isTableName = (table: unknown): table is string => typeof table === 'string' && SCHEMA_NAME_PATTERN.test(table);

/** The `table` argument of {@link jsonDocumentsMigration}: throws `InvalidInputError` `invalid_table_name`. */
const tableName = (table: unknown): string => {
  if (!isTableName(table)) {
    throw new InvalidInputError(
      'invalid_table_name',
      `table name must match ${String(SCHEMA_NAME_PATTERN)}, got ${JSON.stringify(table)}`,
      [{ path: 'table', expected: 'lower-case SQL identifier', actual: table }],
    );
  }
  return table;
};

/** The `table` option of {@link createJsonDocumentProjection}: throws `InvalidInputError` `invalid_options`. */
const tableOption = (table: unknown): string => {
  const name = table ?? JSON_DOCUMENTS_TABLE;
  if (!isTableName(name)) {
    throw invalidOptionError('table', `a lower-case SQL identifier (${String(SCHEMA_NAME_PATTERN)})`, table);
  }
  return name;
};

/**
 * The migration that creates a table of JSON documents (`name` primary key, `model jsonb`,
 * `position bigint`, `updated_at`) in the store's schema. Pass it with the store's migrations
 * (`extraMigrations: [...EXTRA_MIGRATIONS, jsonDocumentsMigration(1000)]`); `version` must be
 * 100 or more and unused. One table holds the documents of any number of projections. `table`
 * (default `ordo_projection_documents`) follows the schema-name rule: `InvalidInputError`
 * `invalid_table_name` otherwise.
 */
export const jsonDocumentsMigration = (version: number, table: string = JSON_DOCUMENTS_TABLE): Migration => {
  const name = tableName(table);
  return {
    version,
    name: `json documents: ${name}`,
    sql: ({ quoted: q }) => `
      CREATE TABLE ${q}."${name}" (
        name       text PRIMARY KEY,
        model      jsonb NOT NULL,
        position   bigint NOT NULL CHECK (position >= 0),
        updated_at timestamptz NOT NULL DEFAULT now()
      );`,
  };
};

/** Options of {@link createJsonDocumentProjection}. */
export interface JsonDocumentProjectionOptions {
  /** Pool for the reads (`current`, `model`), `reset` and `rebuild`. Appends use their own client. */
  readonly pool: Pool;
  /** Schema of the table: the store's. Validated (`invalid_options` at `schema`); defaults to `ordo`. */
  readonly schema?: string;
  /**
   * Table made by {@link jsonDocumentsMigration}. Validated by the schema-name rule
   * (`invalid_options` at `table`); defaults to `ordo_projection_documents`.
   */
  readonly table?: string;
}

/**
 * A pure projection whose model is one `jsonb` document in PostgreSQL. It is a
 * `ProjectionHandler<E, PoolClient>`, so `inlineProjectionHook(it)` keeps it in the append
 * transaction (or an async runner can run it), and it reads the model back.
 */
export interface JsonDocumentProjection<Ev extends AnyEvent, M> extends ProjectionHandler<Ev, PoolClient> {
  readonly projection: Projection<Ev, M>;
  /** `"schema"."table"`. */
  readonly table: string;
  /** The stored model and the position of the last event folded in (the initial state before any). */
  current(db?: Queryable): Promise<ProjectedState<M>>;
  /** The stored model alone. */
  model(db?: Queryable): Promise<M>;
  /** Deletes the document: the model is the initial state again. */
  reset(db?: Queryable): Promise<void>;
  /**
   * Folds every event of `store` from position zero and stores the result, holding the store's
   * write lock all along (appends wait, none is missed or folded twice). For a projection added
   * to a store that already has events, or after `evolve` changed. A connection of `pool` holds
   * the lock while `store` reads, so a pool shared by both needs two connections.
   */
  rebuild(store: Pick<EventStore<Ev>, 'readAll'>, batchSize?: number): Promise<ProjectedState<M>>;
}

interface DocumentRow {
  readonly model: unknown;
  readonly position: string;
}

/**
 * Keeps a pure kernel {@link Projection} in PostgreSQL as one JSON document per projection name:
 * the PostgreSQL counterpart of the in-memory adapter's `createInlineProjection`. Create its table
 * with {@link jsonDocumentsMigration}, give `inlineProjectionHook(it)` to the store's
 * `inTransaction`, and read the model with `model()` (the package README shows it whole).
 *
 * - `handle(events, client)` locks the document's row (`FOR UPDATE`), folds the events with
 *   `projectBatch` (events at or before the stored position are skipped) and writes the new model
 *   and position, on the caller's client. Inline, that is the append transaction: the model commits
 *   with the events or not at all, and a throwing `evolve` fails the append. Appends are
 *   serialised by the store's write lock, so concurrent appends fold in commit order.
 * - The model must be JSON: `InvalidInputError` `not_serialisable` (failing the append) for a
 *   bigint, a Date, a Map, `undefined` in an array, U+0000... `evolve` receives the model as read
 *   back from `jsonb` (object key order is not kept).
 * - Each append costs two statements per projection (three for the first), and the whole
 *   document is read and written each time: keep such models small (counters, a few hundred
 *   keys). A large read model belongs in tables of its own, with a SQL handler.
 */
export const createJsonDocumentProjection = <Ev extends AnyEvent, M>(
  projection: Projection<Ev, M>,
  options: JsonDocumentProjectionOptions,
): JsonDocumentProjection<Ev, M> => {
  const { name } = projection;
  if (typeof name !== 'string' || name.length === 0) {
    throw new InvalidInputError('invalid_projection_name', 'projection name must be a non-empty string', [
      { path: 'projection.name', expected: 'non-empty string', actual: name },
    ]);
  }
  const schema = schemaOption(options.schema);
  const table = qualified(schema.name, tableOption(options.table));
  const { pool } = options;

  const encode = (model: M): string => jsonbText(model, 'model', `projection '${name}'`);

  const load = async (db: Queryable, lock: boolean): Promise<ProjectedState<M> | undefined> => {
    const result = await db.query<DocumentRow>(
      `SELECT model, position FROM ${table} WHERE name = $1${lock ? ' FOR UPDATE' : ''}`,
      [name],
    );
    const row = result.rows[0];
    return row === undefined ? undefined : { model: row.model as M, position: toBigInt(row.position) };
  };

  const write = async (db: Queryable, state: ProjectedState<M>): Promise<void> => {
    if (state.position === undefined) {
      await db.query(`DELETE FROM ${table} WHERE name = $1`, [name]);
      return;
    }
    await db.query(
      `INSERT INTO ${table} (name, model, position) VALUES ($1, $2::jsonb, $3)
       ON CONFLICT (name) DO UPDATE SET model = EXCLUDED.model, position = EXCLUDED.position, updated_at = now()`,
      [name, encode(state.model), state.position.toString()],
    );
  };

  const handle = async (events: ReadonlyArray<RecordedEvent<Ev>>, client: PoolClient): Promise<void> => {
    // Inline, the write lock already orders the callers; the row lock (and the insert race
    // below) keep the document right for any other caller, such as an async runner.
    for (let attempt = 0; attempt < 2; attempt++) {
      const stored = await load(client, true);
      const from = stored ?? initialProjected(projection);
      const next = projectBatch(projection, from, events);
      const position = next.position;
      if (position === undefined || position === from.position) return; // nothing after the stored position
      const values = [name, encode(next.model), position.toString()];
      if (stored !== undefined) {
        await client.query(
          `UPDATE ${table} SET model = $2::jsonb, position = $3, updated_at = now() WHERE name = $1`,
          values,
        );
        return;
      }
      const inserted = await client.query(
        `INSERT INTO ${table} (name, model, position) VALUES ($1, $2::jsonb, $3) ON CONFLICT (name) DO NOTHING`,
        values,
      );
      if (inserted.rowCount === 1) return;
      // Another transaction created the row since our read: fold again from what it stored.
    }
    throw new Error(
      `projection '${name}': its document was created and removed under this write (a concurrent reset?)`,
    );
  };

  const current = async (db: Queryable = pool): Promise<ProjectedState<M>> =>
    (await load(db, false)) ?? initialProjected(projection);

  return {
    name,
    ...(projection.eventTypes === undefined ? {} : { eventTypes: projection.eventTypes }),
    handle,
    projection,
    table,
    current,
    model: async (db) => (await current(db)).model,
    reset: async (db = pool) => {
      await db.query(`DELETE FROM ${table} WHERE name = $1`, [name]);
    },
    rebuild: (store, batchSize = 1000) =>
      withTransaction(pool, async (client) => {
        await client.query(appendLockSql(schema));
        const state = await rebuildProjection(projection, (range) => store.readAll(range), batchSize);
        await write(client, state);
        return state;
      }),
  };
};
