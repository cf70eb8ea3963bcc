// Generated from server.mjs by tsc (see README.md); do not edit by hand.
/**
 * A PostgreSQL server to talk to: the one in DATABASE_URL when set (started=false, stop is a
 * no-op), otherwise a fresh embedded server in a new temp directory (started=true).
 *
 * The fresh server listens on 127.0.0.1 only (no Unix socket), user `postgres`, password
 * `postgres`, scram-sha-256, UTF8 / C locale, TimeZone UTC, max_connections 200, shared_buffers
 * 128MB, fsync on (unless `fast`). If the process exits without stop(), the server is still shut
 * down and its directory removed; a directory left by a killed process is reaped by the next start.
 *
 * @param {EnsurePostgresOptions} [options]
 * @returns {Promise<PostgresHandle>}
 */
export function ensurePostgres(options?: EnsurePostgresOptions): Promise<PostgresHandle>;
/**
 * `url` with its database replaced by `name` (query parameters are kept).
 * @param {string} url
 * @param {string} name
 */
export function databaseUrl(url: string, name: string): string;
/**
 * A unique, valid database name, e.g. `uniqueDatabaseName('pg_store')` ->
 * `pg_store_4711_k3j9x2`.
 * @param {string} [prefix]
 */
export function uniqueDatabaseName(prefix?: string): string;
/**
 * Creates database `name` (it must not exist) on the server of `url`, and returns `url` pointing
 * at it. `name` must match /^[a-z_][a-z0-9_]{0,62}$/.
 * @param {string} url
 * @param {string} name
 * @returns {Promise<string>}
 */
export function createDatabase(url: string, name: string): Promise<string>;
/**
 * Drops database `name` if it exists, terminating its remaining connections.
 * @param {string} url any database on the server (may be the one being dropped)
 * @param {string} name
 * @returns {Promise<void>}
 */
export function dropDatabase(url: string, name: string): Promise<void>;
export type ServerState = {
  url: string;
  /**
   * the background (daemon) process holding the server
   */
  pid: number;
  postmasterPid?: number | undefined;
  dataDir: string;
  tmpDir: string;
  fast: boolean;
  startedAt: string;
  log: string;
};
export type EnsurePostgresOptions = {
  /**
   * Turn durability off (fsync, synchronous_commit, full_page_writes).
   * For tests that do not care about crash safety; never for benchmarks. Default false.
   */
  fast?: boolean | undefined;
  /**
   * Listen on this port. Default: a free port, retried on a bind race.
   */
  port?: number | undefined;
  /**
   * Default 200.
   */
  maxConnections?: number | undefined;
  /**
   * Default '128MB'.
   */
  sharedBuffers?: string | undefined;
  /**
   * Extra flags for the postgres process, e.g. ['-c', 'work_mem=8MB'].
   */
  postgresFlags?: string[] | undefined;
  /**
   * Start a server even when DATABASE_URL is set. Default false.
   */
  ignoreEnv?: boolean | undefined;
  /**
   * Give up starting after this long. Default 60000.
   */
  startTimeoutMs?: number | undefined;
  /**
   * Receives the server's log output. Default: kept in
   * memory (shown when start fails); printed to stderr when ORDO_PG_LOG=1.
   */
  onLog?: ((text: string) => void) | undefined;
  /**
   * Internal: clean up on SIGINT/SIGTERM/SIGHUP. Default true.
   */
  manageSignals?: boolean | undefined;
};
export type PostgresHandle = {
  /**
   * Connection string of the `postgres` database (superuser postgres/postgres).
   */
  url: string;
  /**
   * True when this call started a server; false when DATABASE_URL was used.
   */
  started: boolean;
  /**
   * Stop the server and remove its directory. Idempotent; a no-op
   * when started is false.
   */
  stop: () => Promise<void>;
  /**
   * The server's data directory (only when started).
   */
  dataDir?: string | undefined;
  /**
   * The postmaster's pid (only when started).
   */
  pid?: number | undefined;
  /**
   * How long the start took (only when started).
   */
  startupMs?: number | undefined;
  /**
   * Settles when the server process exits, for whatever reason
   * (only when started).
   */
  exited?: Promise<void> | undefined;
};
export type LiveServer = {
  child: import('node:child_process').ChildProcess;
  tmpDir: string;
};
