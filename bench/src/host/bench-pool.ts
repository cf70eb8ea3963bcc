import pg from 'pg';

/**
 * A host's pool, made by the bench (as many connections as the host's own default pool, 10, unless
 * HOST_BENCH_POOL says otherwise) and given as `store.pool`, so that a connection the server drops
 * while it is checked out (a stalled round's, when its database is dropped) is an error on that
 * client, not an unhandled 'error' event that ends the process.
 */
export const benchPool = (url: string, max: number): pg.Pool => {
  const pool = new pg.Pool({ connectionString: url, max });
  pool.on('error', () => undefined);
  pool.on('connect', (client) => client.on('error', () => undefined));
  return pool;
};
