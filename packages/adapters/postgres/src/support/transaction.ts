import type { Pool, PoolClient } from 'pg';

/**
 * Runs `fn` in a transaction on a client of `pool`: BEGIN, `fn`, COMMIT; ROLLBACK when `fn`
 * throws (the error is rethrown). A client whose ROLLBACK failed is destroyed, not returned to
 * the pool in an unknown state.
 */
export const withTransaction = async <R>(pool: Pool, fn: (client: PoolClient) => Promise<R>): Promise<R> => {
  const client = await pool.connect();
  let broken: Error | undefined;
  try {
    await client.query('BEGIN');
    const result = await fn(client);
    await client.query('COMMIT');
    return result;
  } catch (error) {
    await client.query('ROLLBACK').catch((rollbackError: unknown) => {
      broken = rollbackError instanceof Error ? rollbackError : new Error(String(rollbackError));
    });
    throw error;
  } finally {
    client.release(broken);
  }
};

/** Reads a PostgreSQL `bigint` (which `pg` returns as a string) as a bigint; `null` -> undefined. */
export const toBigInt = (value: unknown): bigint | undefined => {
  if (value === null || value === undefined) return undefined;
  if (typeof value === 'bigint') return value;
  if (typeof value === 'string' || typeof value === 'number') return BigInt(value);
  throw new TypeError(`expected a bigint column, got ${typeof value}`);
};

/** Validates a duration option in milliseconds: a positive finite number. */
export const assertPositiveMs = (name: string, value: number): void => {
  if (typeof value !== 'number' || !Number.isFinite(value) || value <= 0) {
    throw new RangeError(`${name} must be a positive number of milliseconds, got ${String(value)}`);
  }
};

/** Validates a count option: a positive integer. */
export const assertPositiveInt = (name: string, value: number): void => {
  if (!Number.isInteger(value) || value <= 0) {
    throw new RangeError(`${name} must be a positive integer, got ${String(value)}`);
  }
};
