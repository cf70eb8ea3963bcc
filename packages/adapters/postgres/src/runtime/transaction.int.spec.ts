import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { openTestDatabase } from '../test-support';
import { withTransaction } from './transaction';

test('a connection cut inside withTransaction rejects its promise instead of crashing the process; the pool goes on', async () => {
  const db = await openTestDatabase('tx_cut', 4);
  const admin = await db.client();
  try {
    // pg emits 'error' on a checked-out client whose connection dies: without a listener of the
    // transaction's own, this spec's process would die of an uncaught exception here.
    const cut = withTransaction(db.pool, async (client) => {
      const { rows } = await client.query<{ pid: number }>('SELECT pg_backend_pid() AS pid');
      await admin.query('SELECT pg_terminate_backend($1)', [rows[0]!.pid]);
      await new Promise((resolve) => setTimeout(resolve, 100)); // the FATAL arrives while checked out
      await client.query('SELECT 1');
    });
    const error = await cut.then(
      () => undefined,
      (e: unknown) => e,
    );
    assert.ok(error instanceof Error, 'the transaction rejected');
    const after = await withTransaction(db.pool, async (client) => (await client.query('SELECT 41 + 1 AS n')).rows[0]);
    assert.equal(after, { n: 42 }, 'the dead client left the pool; the next transaction runs');
  } finally {
    await admin.end();
    await db.close();
  }
});

test.run();
