import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import pg from 'pg';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { createDatabase, dropDatabase, ensurePostgres, uniqueDatabaseName } from '../../scripts/postgres/server.mjs';
import { main, SCHEMA } from './postgres-store';

// The PostgreSQL example must keep doing what it says: run it against a fresh database on a real
// server (DATABASE_URL, or an embedded one) and check every outcome it reports.
const server = await ensurePostgres({ fast: true });
const name = uniqueDatabaseName('example_pg');
const url = await createDatabase(server.url, name);
const script = fileURLToPath(new URL('./postgres-store.ts', import.meta.url));

/** Runs the example as `npm run example:postgres` does; kills it if it does not exit by itself. */
const runProgram = (env: NodeJS.ProcessEnv) =>
  new Promise<{ code: number | null; stdout: string; stderr: string }>((resolve) => {
    execFile(
      process.execPath,
      ['--conditions=ordo-source', '--import', 'tsx', script],
      { env, timeout: 60_000, encoding: 'utf8' },
      (error, stdout, stderr) => {
        const code = error === null ? 0 : typeof error.code === 'number' ? error.code : null;
        resolve({ code, stdout, stderr });
      },
    );
  });

test('the example against a real server: versions, positions, read models, relay, inbox, soft delete', async () => {
  const lines: string[] = [];
  const r = await main(url, (line) => lines.push(line));

  assert.equal(r.commands, {
    'acme: add 2 books': 'version 0',
    'acme: add 1 pen': 'version 1',
    'acme: same command again': 'version 1 (duplicate)',
    'acme: check out': 'version 2',
    'globex: add 1 mug': 'version 0',
    'globex: add 3 mugs': 'version 1',
    'globex: cart 2 again': 'version 0',
  });
  assert.equal(r.cartOne, ['0:ItemAdded@1', '1:ItemAdded@2', '2:CartCheckedOut@3']);
  assert.equal(r.positions, [1n, 2n, 3n, 4n], 'the duplicate command and the refused append took no position');
  assert.equal(r.conflict, { expected: '0', actual: '2' });
  assert.equal(r.globexEvents, ['c4:0'], 'the tenant read sees only its tenant');
  assert.equal(r.unitsPerSku, { book: 2, mug: 1, pen: 1 }, 'the inline projection committed with the appends');
  assert.is(r.snapshotVersion, 2n, 'everyNEvents(3) snapshotted cart-1 at its third event');

  assert.equal({ eventId: r.live.eventId, position: r.live.position }, { eventId: 'c5:0', position: 5n });
  assert.ok(r.live.listening, 'the reader store was listening');
  assert.ok(r.live.ms < 5_000, `delivered in ${r.live.ms} ms: woken by NOTIFY, not by the 10 s poll`);

  assert.equal(r.ordersToShip, [{ cartId: '1', tenantId: 'acme', items: 3 }]);
  assert.is(r.checkpoint, 5n, 'the async projection checkpointed the last position');

  assert.equal(r.relay, {
    pendingBefore: 1,
    published: ['c3:0'],
    pendingAfter: 0,
    redelivered: ['duplicate'],
    mailsSent: 1,
  });
  assert.equal(r.softDelete, { deleted: true, readStream: 0, stillInAll: 2, restartedAt: 'version 0' });
  assert.ok(
    lines.some((l) => /^stream cart-1\s+0:ItemAdded@1, 1:ItemAdded@2, 2:CartCheckedOut@3$/.test(l)),
    'it prints what it did',
  );

  // What the example left in the database, read independently.
  const pool = new pg.Pool({ connectionString: url, max: 2 });
  try {
    const events = await pool.query<{ stream_id: string; stream_version: string; deleted: boolean }>(
      `SELECT stream_id, stream_version, deleted FROM ${SCHEMA}.ordo_events ORDER BY global_position`,
    );
    assert.equal(
      events.rows.map((e) => `${e.stream_id}@${e.stream_version}${e.deleted ? ' deleted' : ''}`),
      ['cart-1@0', 'cart-1@1', 'cart-1@2', 'cart-2@0 deleted', 'cart-2@1 deleted', 'cart-2@0'],
    );
    const outbox = await pool.query(
      `SELECT o.id FROM ${SCHEMA}.ordo_outbox o JOIN ${SCHEMA}.ordo_outbox_watermarks w ON w.bucket = o.bucket
       WHERE o.seq <= w.published_through`,
    );
    assert.equal(outbox.rows, [{ id: 'c3:0' }], 'the relay marked the message published');
    const inbox = await pool.query(`SELECT consumer, message_id FROM ${SCHEMA}.ordo_inbox`);
    assert.equal(inbox.rows, [{ consumer: 'mailer', message_id: 'c3:0' }]);
    const leases = await pool.query(`SELECT name FROM ${SCHEMA}.ordo_leases`);
    assert.equal(leases.rows, [], 'stop() released the runner lease');
  } finally {
    await pool.end();
  }
});

test('as a program: a second run on the same database starts afresh, prints the same and exits by itself', async () => {
  const { code, stdout, stderr } = await runProgram({ ...process.env, DATABASE_URL: url });
  assert.is(code, 0, stderr);
  assert.match(stdout, /acme: same command again\s+version 1 \(duplicate\)/);
  assert.match(stdout, /\$all positions\s+1, 2, 3, 4\n/);
  assert.match(stdout, /live subscription got\s+c5:0 at 5 \(listening: true\)/);
  assert.match(stdout, /redelivered\s+duplicate\n/);
  assert.match(stdout, /mails sent\s+1\n/);
  assert.match(stdout, /cart-2 after delete\s+0 events in its stream, 2 in \$all/);
});

test('as a program without DATABASE_URL: says what to set and exits 1', async () => {
  const env = { ...process.env };
  delete env.DATABASE_URL;
  const { code, stderr } = await runProgram(env);
  assert.is(code, 1);
  assert.match(stderr, /Set DATABASE_URL/);
});

test.after(async () => {
  await dropDatabase(server.url, name);
  await server.stop();
});
test.run();
