import pg from 'pg';
import {
  createDatabase,
  dropDatabase,
  ensurePostgres,
  type PostgresHandle,
  uniqueDatabaseName,
} from '../../../../../scripts/postgres/server.mjs';

/** A fresh database on a test PostgreSQL server, for one integration spec file. */
export interface PostgresTestEnv {
  readonly url: string;
  readonly pool: pg.Pool;
  /** Ends the pool, drops the database and stops the server if this file started it. */
  close(): Promise<void>;
}

/**
 * Starts (or reuses, through DATABASE_URL) a PostgreSQL server and creates a fresh database.
 * `fast` turns fsync off: the Kafka tests kill relays and brokers, not PostgreSQL.
 */
export const openPostgresTestEnv = async (
  prefix: string,
  options: { readonly fast?: boolean; readonly poolSize?: number } = {},
): Promise<PostgresTestEnv> => {
  const server: PostgresHandle = await ensurePostgres({ fast: options.fast ?? true });
  const name = uniqueDatabaseName(prefix);
  const url = await createDatabase(server.url, name);
  const pool = new pg.Pool({ connectionString: url, max: options.poolSize ?? 20 });
  pool.on('error', () => undefined);
  return {
    url,
    pool,
    async close() {
      await pool.end();
      await dropDatabase(server.url, name);
      await server.stop();
    },
  };
};
