import type { Pool, PoolClient } from 'pg';

/** Something that runs a query: the pool (one statement, autocommit) or a client inside a transaction. */
export type Queryable = Pool | PoolClient;

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
