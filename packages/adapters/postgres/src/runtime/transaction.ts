import type { Pool, PoolClient } from 'pg';

/** Something that runs a query: the pool (one statement, autocommit) or a client inside a transaction. */
export type Queryable = Pool | PoolClient;

/**
 * A client checked out of `pool`, listening for its own `'error'` while it is out. `pg` emits
 * `'error'` on a client whose connection dies (a server restart, `pg_terminate_backend`), and the
 * pool listens only while the client is idle: without a listener of its own, that event would
 * crash the process. The error is kept: `release()` then destroys the client instead of pooling it.
 */
export const checkOut = async (pool: Pool): Promise<{ readonly client: PoolClient; release(error?: Error): void }> => {
  const client = await pool.connect();
  let lost: Error | undefined;
  const onError = (error: Error) => {
    lost = error;
  };
  client.on('error', onError);
  return {
    client,
    release: (error) => {
      client.removeListener('error', onError);
      client.release(error ?? lost);
    },
  };
};

/**
 * Runs `fn` in a transaction on a client of `pool`: BEGIN, `fn`, COMMIT; ROLLBACK when `fn`
 * throws (the error is rethrown). A client whose ROLLBACK failed, or whose connection died, is
 * destroyed, not returned to the pool in an unknown state.
 */
export const withTransaction = async <R>(pool: Pool, fn: (client: PoolClient) => Promise<R>): Promise<R> => {
  const { client, release } = await checkOut(pool);
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
    release(broken);
  }
};
