import { ensurePostgres } from './server.mjs';
import pg from 'pg';
const h = await ensurePostgres({ ignoreEnv: true });
console.log(h.url, h.startupMs, h.dataDir, h.pid);
const c = new pg.Client(h.url); await c.connect();
console.log((await c.query("select version(), current_setting('fsync') f, current_setting('max_connections') m, current_setting('shared_buffers') s, current_setting('server_encoding') e")).rows);
await c.end();
const t=performance.now(); await h.stop(); console.log('stop ms', Math.round(performance.now()-t));
