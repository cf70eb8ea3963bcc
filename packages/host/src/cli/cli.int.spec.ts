import pg from 'pg';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { createHost } from '../composition/create-host';
import { eventually, openHostTestDatabase, openShop, testOrder } from '../test-support';
import { runOrdo, startServe } from './test-support';

// migrate, verify, projections rebuild and serve against a real PostgreSQL (a fresh database).
const db = await openHostTestDatabase('ordo_cli');
const pool = new pg.Pool({ connectionString: db.url, max: 2 });

test.after(async () => {
  await pool.end();
  await db.close();
});

test('ordo migrate applies every migration and prints them; a second run applies nothing', () => {
  const first = runOrdo(['migrate', '--database-url', db.url]);
  assert.is(first.status, 0, first.stderr);
  assert.match(first.stdout, /^applied \d+ migration\(s\) to schema ordo:\n/);
  assert.match(first.stdout, /\n\s+1 {2}\S/);
  assert.match(first.stdout, /\n\s*100 {2}leases\n/);
  assert.match(first.stdout, /\n\s*109 {2}read models\n/);
  assert.match(first.stdout, /\n\s*200 {2}http answers\n/, 'the table of the host itself');
  const second = runOrdo(['migrate'], { ORDO_DATABASE_URL: db.url });
  assert.is(second.status, 0, second.stderr);
  assert.match(second.stdout, /^schema ordo is up to date \(\d+ migrations applied before\)/);
  assert.not.match(
    first.stdout + second.stdout + first.stderr,
    new RegExp(db.url.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')),
  );
});

test('ordo verify on an empty store: nothing broken', () => {
  const r = runOrdo(['verify', '--database-url', db.url]);
  assert.is(r.status, 0, r.stdout + r.stderr);
  assert.match(r.stdout, /read 0 events in 0 streams/);
  assert.match(r.stdout, /verify: OK/);
});

test('after a run of orders: verify passes; a corrupted read model fails it; a rebuild mends it', async () => {
  const host = await createHost({ store: { kind: 'postgres', connectionString: db.url } });
  try {
    const at = new Date().toISOString();
    await openShop(host, { skus: 3, stock: 20, at });
    for (let n = 1; n <= 6; n++) await host.execute(testOrder(n, 3, at), { commandId: `place:${n}` });
    const settled = await eventually(async () => {
      const broken = (await host.checkInvariants()).filter((r) => r.violations.length > 0);
      return broken.length === 0 && (await host.health()).outboxPending === 0;
    }, 30_000);
    assert.ok(settled, 'the host settled');
  } finally {
    await host.stop();
  }

  const ok = runOrdo(['verify', '--database-url', db.url]);
  assert.is(ok.status, 0, ok.stdout + ok.stderr);
  assert.match(ok.stdout, /ok {4}global positions increase; every stream runs 0, 1, 2/);
  assert.match(ok.stdout, /ok {4}outbox drained/);
  assert.match(ok.stdout, /ok {4}inbox consistent/);
  assert.match(ok.stdout, /ok {4}money is conserved/);
  assert.match(ok.stdout, /skip {2}only expected races are rejected/);

  await pool.query(
    `UPDATE ordo.ordo_read_models SET model = '{"byDay":{},"bySku":{}}' WHERE name = 'analytics.revenue'`,
  );
  await pool.query(`INSERT INTO ordo.ordo_inbox (consumer, message_id) VALUES ('notifications', 'made-up')`);
  const broken = runOrdo(['verify', '--database-url', db.url]);
  assert.is(broken.status, 1, broken.stdout + broken.stderr);
  assert.match(
    broken.stdout,
    /FAIL {2}projections equal a fold of the event log\n\s+projection analytics\.revenue differs/,
  );
  assert.match(
    broken.stdout,
    /FAIL {2}inbox consistent.*\n\s+inbox records notification made-up, which no event implies/,
  );
  assert.match(broken.stdout, /verify: BROKEN \(2 of \d+ checks failed\)/);
  await pool.query(`DELETE FROM ordo.ordo_inbox WHERE message_id = 'made-up'`);

  const rebuilt = runOrdo(['projections', 'rebuild', 'revenue'], { ORDO_DATABASE_URL: db.url });
  assert.is(rebuilt.status, 0, rebuilt.stdout + rebuilt.stderr);
  assert.match(rebuilt.stdout, /rebuild analytics\.revenue: (\d+)\/\1 events \(100%\)/);
  assert.match(rebuilt.stdout, /rebuilt analytics\.revenue: \d+ events folded in [\d.]+ s, now at position \d+/);
  const unknown = runOrdo(['projections', 'rebuild', 'nope', '--database-url', db.url]);
  assert.is(unknown.status, 2);
  assert.match(unknown.stderr, /unknown read model 'nope': one of revenue, .*order\.customer-orders, all/);
  const again = runOrdo(['verify', '--database-url', db.url]);
  assert.is(again.status, 0, again.stdout + again.stderr);
});

test('ordo verify names a broken stream', async () => {
  await pool.query(`UPDATE ordo.ordo_events SET stream_version = stream_version + 5
                     WHERE global_position = (SELECT max(global_position) FROM ordo.ordo_events WHERE stream_id = 'order-o-1')`);
  const r = runOrdo(['verify', '--database-url', db.url]);
  assert.is(r.status, 1, r.stdout);
  assert.match(
    r.stdout,
    /FAIL {2}global positions increase.*\n\s+stream order-o-1: version \d+ at position \d+, expected \d+/,
  );
  await pool.query(`UPDATE ordo.ordo_events SET stream_version = stream_version - 5
                     WHERE global_position = (SELECT max(global_position) FROM ordo.ordo_events WHERE stream_id = 'order-o-1')`);
});

test('ordo serve --store postgres needs a signing key, then serves /health/ready on the database', async () => {
  const missing = runOrdo(['serve', '--database-url', db.url, '--port', '0']);
  assert.is(missing.status, 2);
  assert.match(missing.stderr, /needs --jwt-secret \(or ORDO_JWT_SECRET\)/);
  const serve = await startServe(['--store', 'postgres', '--port', '0'], {
    ORDO_DATABASE_URL: db.url,
    ORDO_JWT_SECRET: 'x'.repeat(40),
  });
  try {
    const ready = await fetch(`${serve.url}/health/ready`);
    assert.is(ready.status, 200, await ready.text());
    assert.match(serve.output(), /store postgres, messaging memory/);
  } finally {
    assert.is(await serve.stop(), 0, serve.output());
  }
  assert.not.match(serve.output(), /postgres:\/\//);
});

test.run();
