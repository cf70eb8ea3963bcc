import pg from 'pg';
import {
  type PostgresHandle,
  createDatabase,
  dropDatabase,
  ensurePostgres,
  uniqueDatabaseName,
} from '../../../../../scripts/postgres/server.mjs';
import { migrateExtras } from '../schema/extra-migrations';

/** A fresh database with the extra tables migrated, for one integration spec file. */
export interface ExtrasDatabase {
  readonly url: string;
  readonly pool: pg.Pool;
  readonly schema: string;
  /** Ends the pool, drops the database, stops the server if this file started it. */
  close(): Promise<void>;
}

let server: Promise<PostgresHandle> | undefined;

/**
 * Starts (or reuses, through DATABASE_URL) a PostgreSQL server and creates a fresh database
 * named after `prefix`, with the extra tables migrated in `schema`.
 */
export const openExtrasDatabase = async (
  prefix: string,
  options: { readonly schema?: string; readonly poolSize?: number } = {},
): Promise<ExtrasDatabase> => {
  server ??= ensurePostgres({ fast: true });
  const handle = await server;
  const name = uniqueDatabaseName(prefix);
  const url = await createDatabase(handle.url, name);
  const pool = new pg.Pool({ connectionString: url, max: options.poolSize ?? 20 });
  pool.on('error', () => undefined);
  const schema = options.schema ?? 'ordo';
  await migrateExtras(pool, { schema });
  return {
    url,
    pool,
    schema,
    close: async () => {
      await pool.end();
      await dropDatabase(handle.url, name);
      await handle.stop();
      server = undefined;
    },
  };
};
