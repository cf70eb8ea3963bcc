/**
 * Test support for the host's `*.int.spec.ts` files: a fresh database on a real PostgreSQL
 * (DATABASE_URL, or an embedded server started by scripts/postgres/server.mjs).
 */
import {
  createDatabase,
  dropDatabase,
  ensurePostgres,
  uniqueDatabaseName,
} from '../../../../scripts/postgres/server.mjs';

/** A fresh database: its URL, and `close()` to drop it (and stop the server if this file started it). */
export interface HostTestDatabase {
  readonly url: string;
  close(): Promise<void>;
}

/** Opens a {@link HostTestDatabase}; durability is off on a server this starts (fsync is irrelevant to tests). */
export const openHostTestDatabase = async (prefix: string): Promise<HostTestDatabase> => {
  const server = await ensurePostgres({ fast: true });
  const name = uniqueDatabaseName(prefix);
  const url = await createDatabase(server.url, name);
  return {
    url,
    close: async () => {
      await dropDatabase(server.url, name);
      await server.stop();
    },
  };
};
