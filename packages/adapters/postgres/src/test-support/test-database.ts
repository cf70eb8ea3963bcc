/**
 * Test support for the `*.int.spec.ts` files: a real PostgreSQL (DATABASE_URL, or an embedded
 * server started by scripts/postgres/server.mjs) and a fresh database per spec file.
 */
import pg from 'pg';
import {
  createDatabase,
  dropDatabase,
  ensurePostgres,
  uniqueDatabaseName,
} from '../../../../../scripts/postgres/server.mjs';

/** A fresh database on a real server, with a pool; `close()` drops it and stops the server if we started it. */
export interface TestDatabase {
  readonly url: string;
  readonly pool: pg.Pool;
  /** A new client outside the pool (for holding transactions open, LISTEN, terminating backends). */
  readonly client: () => Promise<pg.Client>;
  /** Another pool on the same database (a store per pool behaves like a store per process). */
  readonly newPool: (max?: number) => pg.Pool;
  readonly close: () => Promise<void>;
}

/** Opens a {@link TestDatabase}. Durability is off on a server we start (fsync is irrelevant here). */
export const openTestDatabase = async (prefix: string, maxConnections = 40): Promise<TestDatabase> => {
  const server = await ensurePostgres({ fast: true });
  const name = uniqueDatabaseName(prefix);
  const url = await createDatabase(server.url, name);
  const pool = new pg.Pool({ connectionString: url, max: maxConnections });
  // Tests terminate backends on purpose: an idle pooled connection dying must not crash the run.
  pool.on('error', () => undefined);
  const clients = new Set<pg.Client>();
  const pools = new Set<pg.Pool>();
  return {
    url,
    pool,
    client: async () => {
      const client = new pg.Client({ connectionString: url });
      client.on('error', () => undefined);
      await client.connect();
      clients.add(client);
      return client;
    },
    newPool: (max = 10) => {
      const extra = new pg.Pool({ connectionString: url, max });
      extra.on('error', () => undefined);
      pools.add(extra);
      return extra;
    },
    close: async () => {
      for (const c of clients) await c.end().catch(() => undefined);
      for (const p of pools) await p.end().catch(() => undefined);
      await pool.end();
      await dropDatabase(server.url, name);
      await server.stop();
    },
  };
};
