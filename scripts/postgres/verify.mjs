// @ts-check
/**
 * End-to-end check of scripts/postgres/server.mjs against a real server. Exits 0 when all pass.
 *
 *   node scripts/postgres/verify.mjs
 *
 * Always starts its own servers (DATABASE_URL is ignored), and stops every one of them.
 */
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { setImmediate } from 'node:timers';
import { fileURLToPath, pathToFileURL } from 'node:url';
import pg from 'pg';
import { createDatabase, dropDatabase, ensurePostgres, uniqueDatabaseName } from './server.mjs';

const SERVER = fileURLToPath(new URL('./server.mjs', import.meta.url));
const SERVER_URL = pathToFileURL(SERVER).href;
const WRITERS = 50;
const INSERTS_PER_WRITER = 20;

/** @param {number} ms */
const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

/** @param {unknown} cond @param {string} msg @returns {asserts cond} */
function assert(cond, msg) {
  if (!cond) throw new Error(`assertion failed: ${msg}`);
}

/** @param {number} pid */
function alive(pid) {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

/** @param {() => boolean} cond @param {number} ms */
async function eventually(cond, ms) {
  const deadline = Date.now() + ms;
  while (Date.now() < deadline) {
    if (cond()) return true;
    await sleep(50);
  }
  return cond();
}

let failures = 0;
/** @param {string} name @param {() => Promise<string | void>} fn */
async function check(name, fn) {
  const t0 = performance.now();
  try {
    const detail = await fn();
    console.log(`ok   ${name} (${Math.round(performance.now() - t0)} ms)${detail ? ` - ${detail}` : ''}`);
  } catch (err) {
    failures++;
    console.log(`FAIL ${name}: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}`);
  }
}

/** @param {string} url */
async function connect(url) {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  return client;
}

/**
 * Runs node with `args`, resolves with exit code/signal and output.
 * @param {string[]} args @param {NodeJS.ProcessEnv} env
 * @param {(child: import('node:child_process').ChildProcess, out: () => string) => void} [onSpawn]
 * @returns {Promise<{ code: number | null, signal: NodeJS.Signals | null, stdout: string, stderr: string }>}
 */
function runNode(args, env, onSpawn) {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, args, { env, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d) => (stdout += d));
    child.stderr.on('data', (d) => (stderr += d));
    child.on('error', reject);
    child.on('exit', (code, signal) => {
      // Let the pipes drain.
      setImmediate(() => resolve({ code, signal, stdout, stderr }));
    });
    onSpawn?.(child, () => stdout);
  });
}

const envWithoutUrl = { ...process.env };
delete envWithoutUrl.DATABASE_URL;

/**
 * Inline ESM child program that starts a server, prints {pid, dataDir, url} as JSON, then runs `tail`.
 * @param {string} tail
 */
const childProgram = (tail) =>
  `const { ensurePostgres } = await import(${JSON.stringify(SERVER_URL)});\n` +
  `const h = await ensurePostgres();\n` +
  `console.log(JSON.stringify({ pid: h.pid, dataDir: h.dataDir, url: h.url }));\n` +
  tail;

/** @type {Array<{ stop(): Promise<void> }>} */
const handles = [];
const watchdog = setTimeout(() => {
  console.log('FAIL verify timed out after 240 s');
  process.exit(1);
}, 240_000);
watchdog.unref();

const savedUrl = process.env.DATABASE_URL;
delete process.env.DATABASE_URL;

try {
  // -------------------------------------------------------------------------- library, durable
  const server = await ensurePostgres();
  handles.push(server);
  assert(server.started && server.dataDir && server.pid, 'a server was started');
  console.log(`ok   start (${server.startupMs} ms) - ${server.url} pid=${server.pid} dataDir=${server.dataDir}`);

  await check('settings', async () => {
    const c = await connect(server.url);
    const r = await c.query(
      `SELECT current_setting('server_version') v, current_setting('fsync') fsync,
              current_setting('synchronous_commit') sc, current_setting('max_connections') mc,
              current_setting('shared_buffers') sb, current_setting('server_encoding') enc,
              current_setting('TimeZone') tz, current_setting('listen_addresses') la`,
    );
    await c.end();
    const s = r.rows[0];
    assert(s.fsync === 'on' && s.sc === 'on', `durable by default (fsync=${s.fsync}, synchronous_commit=${s.sc})`);
    assert(s.mc === '200' && s.sb === '128MB', `max_connections=${s.mc} shared_buffers=${s.sb}`);
    assert(s.enc === 'UTF8' && s.tz === 'UTC', `encoding=${s.enc} TimeZone=${s.tz}`);
    const wrong = new pg.Client({ connectionString: server.url.replace(':postgres@', ':nope@') });
    const rejected = await wrong.connect().then(
      () => false,
      (e) => e.code === '28P01',
    );
    await wrong.end().catch(() => {});
    assert(rejected, 'a wrong password is rejected');
    return `PostgreSQL ${s.v}, fsync=${s.fsync}, synchronous_commit=${s.sc}, max_connections=${s.mc}, shared_buffers=${s.sb}, ${s.enc}, TZ=${s.tz}, listen=${s.la}, wrong password rejected`;
  });

  const dbName = uniqueDatabaseName('ordo_verify');
  /** @type {string} */
  let dbUrl = '';
  await check('createDatabase + identifier validation', async () => {
    dbUrl = await createDatabase(server.url, dbName);
    assert(dbUrl.endsWith(`/${dbName}`), `url names the database: ${dbUrl}`);
    for (const bad of ['Bad-Name', 'x"; DROP DATABASE postgres; --', '1abc', '', 'postgres', 'a'.repeat(64)]) {
      const threw = await createDatabase(server.url, bad).then(
        () => false,
        (e) => e instanceof TypeError,
      );
      assert(threw, `rejects ${JSON.stringify(bad)}`);
    }
    const dup = await createDatabase(server.url, dbName).then(
      () => false,
      (e) => e.code === '42P04',
    );
    assert(dup, 'creating an existing database fails');
    return `${dbName}; 6 bad names rejected; duplicate rejected (42P04)`;
  });

  await check(`${WRITERS} concurrent connections inserting`, async () => {
    const admin = await connect(dbUrl);
    await admin.query('CREATE TABLE events (id bigserial PRIMARY KEY, writer int NOT NULL, n int NOT NULL)');
    const clients = await Promise.all(Array.from({ length: WRITERS }, () => connect(dbUrl)));
    const active = await admin.query(
      `SELECT count(*)::int AS n FROM pg_stat_activity WHERE datname = $1 AND backend_type = 'client backend'`,
      [dbName],
    );
    assert(active.rows[0].n >= WRITERS + 1, `${active.rows[0].n} backends connected at once`);
    const t0 = performance.now();
    await Promise.all(
      clients.map(async (c, w) => {
        for (let n = 0; n < INSERTS_PER_WRITER; n++) {
          await c.query('BEGIN');
          await c.query('INSERT INTO events (writer, n) VALUES ($1, $2)', [w, n]);
          await c.query('COMMIT');
        }
      }),
    );
    const ms = performance.now() - t0;
    const r = await admin.query('SELECT count(*)::int AS total, count(DISTINCT writer)::int AS writers FROM events');
    await Promise.all(clients.map((c) => c.end()));
    await admin.end();
    const total = WRITERS * INSERTS_PER_WRITER;
    assert(r.rows[0].total === total && r.rows[0].writers === WRITERS, `rows ${JSON.stringify(r.rows[0])}`);
    return `${active.rows[0].n} backends at once; ${total} committed transactions in ${Math.round(ms)} ms (${Math.round((total / ms) * 1000)} commits/s, fsync on)`;
  });

  await check('pg_terminate_backend kills a connection', async () => {
    const admin = await connect(dbUrl);
    const victim = await connect(dbUrl);
    /** @type {any[]} */
    const victimErrors = [];
    /** @type {Promise<any>} */
    const victimError = new Promise((resolve) =>
      victim.on('error', (e) => {
        victimErrors.push(e);
        resolve(e);
      }),
    );
    const pid = (await victim.query('SELECT pg_backend_pid() AS pid')).rows[0].pid;
    const term = await admin.query('SELECT pg_terminate_backend($1) AS ok', [pid]);
    assert(term.rows[0].ok === true, 'pg_terminate_backend returned true');
    const err = await Promise.race([victimError, sleep(5_000).then(() => undefined)]);
    assert(err, 'the victim client saw an error');
    const next = await victim.query('SELECT 1').then(
      () => 'succeeded',
      (e) => e.message,
    );
    assert(next !== 'succeeded', 'the victim connection is unusable');
    const still = await admin.query('SELECT count(*)::int AS n FROM pg_stat_activity WHERE pid = $1', [pid]);
    assert(still.rows[0].n === 0, 'the backend is gone');

    // A pool recovers: the dead client is evicted and the next query gets a new backend.
    const pool = new pg.Pool({ connectionString: dbUrl, max: 1 });
    /** @type {Promise<any>} */
    const poolError = new Promise((resolve) => pool.on('error', resolve));
    const pid1 = (await pool.query('SELECT pg_backend_pid() AS pid')).rows[0].pid;
    await admin.query('SELECT pg_terminate_backend($1)', [pid1]);
    const perr = await Promise.race([poolError, sleep(5_000).then(() => undefined)]);
    const pid2 = (await pool.query('SELECT pg_backend_pid() AS pid')).rows[0].pid;
    await pool.end();
    await admin.end();
    await victim.end().catch(() => {});
    assert(perr && pid2 !== pid1, `pool reconnected (${pid1} -> ${pid2})`);
    return `victim saw ${victimErrors.map((e) => e.code ?? e.message).join(', ')}; pool evicted backend ${pid1}, reconnected as ${pid2}`;
  });

  await check('LISTEN/NOTIFY', async () => {
    const listener = await connect(dbUrl);
    const notifier = await connect(dbUrl);
    /** @type {Array<{ channel: string, payload?: string }>} */
    const got = [];
    listener.on('notification', (m) => got.push({ channel: m.channel, payload: m.payload }));
    await listener.query('LISTEN ordo_events');
    const t0 = performance.now();
    await notifier.query('BEGIN');
    await notifier.query(`NOTIFY ordo_events, 'committed'`);
    await notifier.query('COMMIT');
    await notifier.query('BEGIN');
    await notifier.query(`NOTIFY ordo_events, 'rolled-back'`);
    await notifier.query('ROLLBACK');
    await notifier.query(`SELECT pg_notify('ordo_events', 'via pg_notify')`);
    assert(await eventually(() => got.length >= 2, 5_000), `2 notifications arrived (got ${got.length})`);
    const latency = performance.now() - t0;
    await sleep(300);
    await listener.end();
    await notifier.end();
    const payloads = got.map((g) => g.payload);
    assert(
      JSON.stringify(payloads) === JSON.stringify(['committed', 'via pg_notify']),
      `payloads in order, rolled-back one absent: ${JSON.stringify(payloads)}`,
    );
    return `received ${JSON.stringify(payloads)} in ${Math.round(latency)} ms; rolled-back NOTIFY not delivered`;
  });

  await check('dropDatabase with an open connection', async () => {
    const lingering = await connect(dbUrl);
    lingering.on('error', () => {});
    await dropDatabase(server.url, dbName);
    await dropDatabase(server.url, dbName); // idempotent
    const c = await connect(server.url);
    const r = await c.query('SELECT count(*)::int AS n FROM pg_database WHERE datname = $1', [dbName]);
    await c.end();
    await lingering.end().catch(() => {});
    assert(r.rows[0].n === 0, 'database gone');
    return 'dropped (WITH FORCE), second drop is a no-op';
  });

  await check('stop', async () => {
    const tmpDir = path.dirname(/** @type {string} */ (server.dataDir));
    const t0 = performance.now();
    await server.stop();
    const ms = Math.round(performance.now() - t0);
    await server.stop(); // idempotent
    assert(!alive(/** @type {number} */ (server.pid)), 'postmaster gone');
    assert(!fs.existsSync(tmpDir), `${tmpDir} removed`);
    const refused = await connect(server.url).then(
      (c) => (c.end(), false),
      () => true,
    );
    assert(refused, 'port no longer answers');
    return `stopped in ${ms} ms; ${tmpDir} removed; connections refused`;
  });

  // -------------------------------------------------------------------------- process exit paths
  await check('process exits without stop(): exit code kept, server and dir cleaned up', async () => {
    const r = await runNode(['--input-type=module', '-e', childProgram('process.exitCode = 7;\n')], envWithoutUrl);
    const info = JSON.parse(r.stdout.trim().split('\n')[0] ?? '{}');
    assert(r.code === 7, `exit code 7 kept (got ${r.code}; stderr: ${r.stderr})`);
    const tmpDir = path.dirname(info.dataDir);
    assert(
      await eventually(() => !alive(info.pid) && !fs.existsSync(tmpDir), 15_000),
      'server stopped and dir removed',
    );
    return `child exited 7 by itself; postmaster ${info.pid} stopped, ${tmpDir} removed`;
  });

  await check('SIGTERM to a test process: server and dir cleaned up', async () => {
    const r = await runNode(
      ['--input-type=module', '-e', childProgram('setInterval(() => {}, 1000);\n')],
      envWithoutUrl,
      (child, out) => {
        const poll = setInterval(() => {
          if (out().includes('\n')) {
            clearInterval(poll);
            child.kill('SIGTERM');
          }
        }, 20);
      },
    );
    const info = JSON.parse(r.stdout.trim().split('\n')[0] ?? '{}');
    assert(r.signal === 'SIGTERM', `child died by SIGTERM (code ${r.code}, signal ${r.signal})`);
    const tmpDir = path.dirname(info.dataDir);
    assert(
      await eventually(() => !alive(info.pid) && !fs.existsSync(tmpDir), 15_000),
      'server stopped and dir removed',
    );
    return `postmaster ${info.pid} stopped, ${tmpDir} removed`;
  });

  await check('SIGKILLed test process: orphan reaped by the next start; fast mode', async () => {
    const r = await runNode(
      ['--input-type=module', '-e', childProgram(`process.kill(process.pid, 'SIGKILL');\n`)],
      envWithoutUrl,
    );
    const info = JSON.parse(r.stdout.trim().split('\n')[0] ?? '{}');
    assert(r.signal === 'SIGKILL', 'child was SIGKILLed');
    const tmpDir = path.dirname(info.dataDir);
    assert(alive(info.pid) && fs.existsSync(tmpDir), 'orphaned server still running');
    const fast = await ensurePostgres({ fast: true });
    handles.push(fast);
    assert(!alive(info.pid) && !fs.existsSync(tmpDir), 'orphan stopped and removed by the next start');
    const c = await connect(fast.url);
    const s = (await c.query(`SELECT current_setting('fsync') f, current_setting('synchronous_commit') sc`)).rows[0];
    await c.end();
    await fast.stop();
    assert(s.f === 'off' && s.sc === 'off', `fast: fsync=${s.f} synchronous_commit=${s.sc}`);
    return `orphan ${info.pid} reaped; fast server (${fast.startupMs} ms) has fsync=off synchronous_commit=off`;
  });

  await check('DATABASE_URL is used as is', async () => {
    process.env.DATABASE_URL = 'postgres://someone:secret@db.example:5432/app';
    try {
      const h = await ensurePostgres();
      assert(!h.started && h.url === process.env.DATABASE_URL, 'passthrough');
      await h.stop();
    } finally {
      delete process.env.DATABASE_URL;
    }
    return 'started=false, url passed through, stop() a no-op';
  });

  // -------------------------------------------------------------------------- CLI
  await check('CLI start/status/reuse/stale/stop', async () => {
    const stateDir = fs.mkdtempSync(path.join(os.tmpdir(), 'ordo-verify-state-'));
    const env = { ...envWithoutUrl, ORDO_PG_STATE: stateDir };
    const cli = (/** @type {string[]} */ ...args) => runNode([SERVER, ...args], env);
    const urlOf = (/** @type {string} */ out) => /^DATABASE_URL=(.+)$/m.exec(out)?.[1];
    const readState = () => JSON.parse(fs.readFileSync(path.join(stateDir, 'state.json'), 'utf8'));
    try {
      const t0 = performance.now();
      const s1 = await cli('start');
      const startMs = Math.round(performance.now() - t0);
      const url1 = urlOf(s1.stdout);
      assert(s1.code === 0 && url1, `start printed DATABASE_URL (code ${s1.code}; ${s1.stderr})`);
      const st1 = readState();
      assert(st1.url === url1 && st1.pid && st1.dataDir, 'state.json has url, pid, dataDir');
      const c = await connect(url1);
      await c.query('SELECT 1');
      await c.end();
      const status = await cli('status');
      assert(status.code === 0 && status.stdout.startsWith('running'), `status: ${status.stdout}`);
      const again = await cli('start');
      assert(again.code === 0 && urlOf(again.stdout) === url1, 'second start reuses the running server');

      process.kill(st1.pid, 'SIGKILL'); // leave a stale state file and an orphaned postmaster
      await eventually(() => !alive(st1.pid), 5_000);
      const stale = await cli('status');
      assert(stale.code === 3 && stale.stdout.includes('stale'), `stale status: ${stale.stdout}`);
      const s2 = await cli('start');
      const url2 = urlOf(s2.stdout);
      assert(s2.code === 0 && url2, `start after a stale run (${s2.stderr})`);
      assert(!alive(st1.postmasterPid) && !fs.existsSync(st1.tmpDir), 'stale server stopped, its dir removed');
      const st2 = readState();

      const stop1 = await cli('stop');
      const stop2 = await cli('stop');
      assert(stop1.code === 0 && stop2.code === 0, 'stop is idempotent');
      const after = await cli('status');
      assert(after.code === 3, 'status after stop reports not running');
      assert(!alive(st2.pid) && !alive(st2.postmasterPid), 'daemon and postmaster gone');
      assert(!fs.existsSync(st2.tmpDir) && !fs.existsSync(path.join(stateDir, 'state.json')), 'dirs cleaned');
      return `start ${startMs} ms -> ${url1}; reuse ok; stale (daemon SIGKILLed) cleaned on next start; stop x2 ok`;
    } finally {
      await cli('stop');
      fs.rmSync(stateDir, { recursive: true, force: true });
    }
  });
} catch (err) {
  failures++;
  console.log(`FAIL ${err instanceof Error ? (err.stack ?? err.message) : String(err)}`);
} finally {
  for (const h of handles) await h.stop().catch(() => {});
  if (savedUrl !== undefined) process.env.DATABASE_URL = savedUrl;
}

console.log(failures ? `${failures} check(s) failed` : 'all checks passed');
process.exit(failures ? 1 : 0);
