import { type CheckpointStore, InvalidInputError, OrdoError } from '@ordo/kernel';
import type { Pool, PoolClient } from 'pg';
import { toBigInt } from '../runtime/pg-types';
import type { Queryable } from '../runtime/transaction';
import { qualified } from '../schema/qualified-name';
import { schemaOption } from '../schema/schema-name';

/** A compare-and-set on a checkpoint found another value than expected: someone else moved it. */
export class StaleCheckpointError extends OrdoError {
  readonly code = 'stale_checkpoint';
  constructor(
    readonly checkpointName: string,
    readonly expected: bigint | undefined,
  ) {
    super(`checkpoint '${checkpointName}' is no longer at ${expected === undefined ? 'the start' : `${expected}`}`);
  }
}

const assertName = (name: unknown): void => {
  if (typeof name !== 'string' || name.trim().length === 0) {
    throw new InvalidInputError('invalid_checkpoint_name', 'checkpoint name must be a non-empty string', [
      { path: 'name', expected: 'non-empty string', actual: name },
    ]);
  }
};

const assertPosition = (position: unknown): void => {
  if (typeof position !== 'bigint' || position < 0n) {
    throw new InvalidInputError('invalid_position', 'checkpoint position must be a bigint >= 0n', [
      { path: 'position', expected: 'bigint >= 0n', actual: typeof position === 'bigint' ? `${position}n` : position },
    ]);
  }
};

/** Reads a checkpoint; `undefined` when none is stored or it was reset. */
export const loadCheckpoint = async (db: Queryable, schema: string, name: string): Promise<bigint | undefined> => {
  const result = await db.query<{ position: string | null }>(
    `SELECT position FROM ${qualified(schema, 'ordo_checkpoints')} WHERE name = $1`,
    [name],
  );
  return toBigInt(result.rows[0]?.position);
};

/**
 * Moves a checkpoint from `expected` to `next` inside the caller's transaction, or throws
 * {@link StaleCheckpointError} when it is not at `expected`. The row stays locked until the
 * transaction ends, so a second runner's compare-and-set waits and then fails instead of both
 * committing the same batch.
 */
export const compareAndSetCheckpoint = async (
  client: PoolClient,
  schema: string,
  name: string,
  expected: bigint | undefined,
  next: bigint,
): Promise<void> => {
  assertName(name);
  assertPosition(next);
  const table = qualified(schema, 'ordo_checkpoints');
  const result =
    expected === undefined
      ? // No row yet, or a reset one (NULL). Two first commits race on the primary key; the loser
        // waits, then finds a non-NULL position and updates nothing.
        await client.query(
          `INSERT INTO ${table} AS c (name, position) VALUES ($1, $2)
           ON CONFLICT (name) DO UPDATE SET position = EXCLUDED.position, updated_at = now()
           WHERE c.position IS NULL
           RETURNING 1`,
          [name, next.toString()],
        )
      : await client.query(
          `UPDATE ${table} SET position = $2, updated_at = now() WHERE name = $1 AND position = $3 RETURNING 1`,
          [name, next.toString(), expected.toString()],
        );
  if (result.rowCount !== 1) throw new StaleCheckpointError(name, expected);
};

/** Sets a checkpoint back to "from the beginning" (for a rebuild), inside the caller's transaction. */
export const resetCheckpoint = async (db: Queryable, schema: string, name: string): Promise<void> => {
  assertName(name);
  await db.query(
    `INSERT INTO ${qualified(schema, 'ordo_checkpoints')} (name, position) VALUES ($1, NULL)
     ON CONFLICT (name) DO UPDATE SET position = NULL, updated_at = now()`,
    [name],
  );
};

/**
 * The kernel's {@link CheckpointStore} on table `<schema>.ordo_checkpoints (name, position)`.
 * `save` never moves a checkpoint backwards (a lower position is ignored, as the port says);
 * {@link reset} starts it over. Runners that need a fence use {@link compareAndSetCheckpoint} in
 * their batch transaction instead.
 */
export class PostgresCheckpointStore implements CheckpointStore {
  readonly #pool: Pool;
  readonly #schema: string;

  /** A bad `schema` throws `InvalidInputError` `invalid_options` (issue path `schema`). */
  constructor(options: { readonly pool: Pool; readonly schema?: string }) {
    this.#pool = options.pool;
    this.#schema = schemaOption(options.schema).name;
  }

  /** The stored position of `name`; `undefined` when none is stored. */
  async load(name: string): Promise<bigint | undefined> {
    assertName(name);
    return loadCheckpoint(this.#pool, this.#schema, name);
  }

  /** Stores `position` for `name` unless the stored one is as high or higher (one atomic upsert). */
  async save(name: string, position: bigint): Promise<void> {
    assertName(name);
    assertPosition(position);
    await this.#pool.query(
      `INSERT INTO ${qualified(this.#schema, 'ordo_checkpoints')} AS c (name, position) VALUES ($1, $2)
       ON CONFLICT (name) DO UPDATE SET position = EXCLUDED.position, updated_at = now()
         WHERE c.position IS NULL OR c.position < EXCLUDED.position`,
      [name, position.toString()],
    );
  }

  /** Forgets the position of `name` (the consumer starts from the beginning). */
  async reset(name: string): Promise<void> {
    await resetCheckpoint(this.#pool, this.#schema, name);
  }
}
