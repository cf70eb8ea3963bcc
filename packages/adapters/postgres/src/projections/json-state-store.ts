import { InvalidInputError, OrdoError } from '@ordo/kernel';
import type { Pool, QueryConfig, QueryResultRow } from 'pg';
import { isStorableText } from '../event-store/storable-text';
import { jsonbText } from '../runtime/json-text';
import { ORDO_TYPES, toBigInt } from '../runtime/pg-types';
import type { Migration } from '../schema/migration';
import { qualified } from '../schema/qualified-name';
import { type SchemaName, schemaOption } from '../schema/schema-name';

/** Table of the read models (made by {@link readModelsMigration}). */
const TABLE = 'ordo_read_models';

/**
 * Extra migration 109: `ordo_read_models`, one `jsonb` read model per name with the position of
 * the last event folded into it (NULL: none yet). Part of `EXTRA_MIGRATIONS`.
 */
export const readModelsMigration: Migration = {
  version: 109,
  name: 'read models',
  sql: ({ quoted: q }: SchemaName) => `
    CREATE TABLE ${q}.${TABLE} (
      name       text PRIMARY KEY,
      model      jsonb NOT NULL,
      position   bigint CHECK (position >= 0),
      updated_at timestamptz NOT NULL DEFAULT now()
    );`,
};

/** Options of {@link PostgresJsonStateStore}. */
export interface PostgresJsonStateStoreOptions {
  readonly pool: Pool;
  /** Schema of the table: the store's. Validated (`invalid_options` at `schema`); defaults to `ordo`. */
  readonly schema?: string;
}

/**
 * A compare-and-set `save` found the read model at another position than `expected`: another
 * runner moved it (or reset it). Nothing was written.
 */
export class ReadModelMovedError extends OrdoError {
  readonly code = 'read_model_moved';
  constructor(
    /** The read model's name (`name` is the error's class name, as for every error). */
    readonly readModelName: string,
    readonly expected: bigint | undefined,
    /** The position found right after the refused write (`undefined`: no row, or none folded yet). */
    readonly actual: bigint | undefined,
  ) {
    super(
      `read model '${readModelName}' is at ${actual === undefined ? 'the start' : `${actual}`}, ` +
        `not at ${expected === undefined ? 'the start' : `${expected}`}`,
    );
  }
}

const assertName = (name: unknown): void => {
  if (typeof name !== 'string' || name.length === 0 || !isStorableText(name)) {
    throw new InvalidInputError('invalid_read_model_name', 'read model name must be a non-empty string', [
      { path: 'name', expected: 'non-empty string without U+0000 or unpaired surrogates', actual: name },
    ]);
  }
};

const assertPosition = (position: unknown, path: string): void => {
  if (position !== undefined && (typeof position !== 'bigint' || position < 0n)) {
    throw new InvalidInputError('invalid_position', `${path} must be a bigint >= 0n or undefined`, [
      {
        path,
        expected: 'bigint >= 0n or undefined',
        actual: typeof position === 'bigint' ? `${position}n` : position,
      },
    ]);
  }
};

/**
 * Read models as one `jsonb` document per name with its position, in `<schema>.ordo_read_models`
 * (extra migration 109): where an async projection worker keeps model and checkpoint together,
 * written in one statement. States are the kernel's `ProjectedState<M>` shape (`{ model,
 * position }`, position `undefined` before the first event).
 *
 * - `save` is a compare-and-set on the position: it writes only when the stored position is
 *   `expected` (no row, or a row saved with position `undefined`, counts as `undefined`),
 *   otherwise it throws {@link ReadModelMovedError} and writes nothing. Of concurrent saves
 *   with the same `expected` that move the position, exactly one wins (the others wait on the
 *   row, then find it moved). A save that does not move the position (`state.position` equal
 *   to `expected`) does not fence a concurrent one.
 * - The model must be JSON: `InvalidInputError` `not_serialisable` (naming the field, such as
 *   `state.model.at`) for a Date, a bigint, a Map, U+0000...; what `load` answers is the model as
 *   read back from `jsonb` (object key order is not kept). A whole document is read and written
 *   each time, so keep models small.
 * - A bad name throws `invalid_read_model_name`, a bad position (`state.position`, `expected`:
 *   a bigint >= 0n or undefined) `invalid_position`.
 */
export class PostgresJsonStateStore<M> {
  readonly #pool: Pool;
  readonly #table: string;

  /** A bad `schema` throws `InvalidInputError` `invalid_options` (issue path `schema`). */
  constructor(options: PostgresJsonStateStoreOptions) {
    this.#pool = options.pool;
    this.#table = qualified(schemaOption(options.schema).name, TABLE);
  }

  /** The stored read model of `name` and its position; `undefined` when none is stored. */
  async load(name: string): Promise<{ readonly model: M; readonly position: bigint | undefined } | undefined> {
    assertName(name);
    const result = await this.#query<{ model: unknown; position: string | null }>({
      text: `SELECT model, position FROM ${this.#table} WHERE name = $1`,
      values: [name],
    });
    const row = result.rows[0];
    // The stored JSON is what `save` accepted as an M.
    return row === undefined ? undefined : { model: row.model as M, position: toBigInt(row.position) };
  }

  /**
   * Stores `state` for `name` if the stored position is `expected`; otherwise throws
   * {@link ReadModelMovedError} and writes nothing. One statement.
   */
  async save(
    name: string,
    state: { readonly model: M; readonly position: bigint | undefined },
    expected: bigint | undefined,
  ): Promise<void> {
    assertName(name);
    assertPosition(state.position, 'state.position');
    assertPosition(expected, 'expected');
    const values = [
      name,
      jsonbText(state.model, 'state.model', `read model '${name}'`),
      state.position?.toString() ?? null,
    ];
    const result =
      expected === undefined
        ? // No row yet, or one without a position. Two first saves race on the primary key: the
          // loser waits for the winner's commit, then finds a position and updates nothing.
          await this.#query({
            text: `INSERT INTO ${this.#table} AS r (name, model, position) VALUES ($1, $2::jsonb, $3::bigint)
                   ON CONFLICT (name) DO UPDATE
                     SET model = EXCLUDED.model, position = EXCLUDED.position, updated_at = now()
                     WHERE r.position IS NULL
                   RETURNING 1`,
            values,
          })
        : // A concurrent winner's UPDATE holds the row; this one waits, then re-checks the
          // position on the committed row and updates nothing.
          await this.#query({
            text: `UPDATE ${this.#table} SET model = $2::jsonb, position = $3::bigint, updated_at = now()
                   WHERE name = $1 AND position = $4::bigint
                   RETURNING 1`,
            values: [...values, expected.toString()],
          });
    if (result.rowCount === 1) return;
    // Refused: read the position that is there now, for the error (informative, not atomic).
    throw new ReadModelMovedError(name, expected, (await this.load(name))?.position);
  }

  /** Deletes the read model of `name` (a rebuild starts from nothing); an unknown name is ignored. */
  async reset(name: string): Promise<void> {
    assertName(name);
    await this.#query({ text: `DELETE FROM ${this.#table} WHERE name = $1`, values: [name] });
  }

  /** The names of the stored read models, sorted. */
  async names(): Promise<string[]> {
    const result = await this.#query<{ name: string }>({
      text: `SELECT name FROM ${this.#table} ORDER BY name COLLATE "C"`,
    });
    return result.rows.map((row) => row.name);
  }

  /** Runs a query with the adapter's own result parsers (jsonb parsed, int8 as text). */
  #query<R extends QueryResultRow = QueryResultRow>(query: QueryConfig) {
    return this.#pool.query<R>({ ...query, types: ORDO_TYPES });
  }
}
