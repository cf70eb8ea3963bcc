import { inboxConformance } from '@ordo/kernel/testing';
import pg from 'pg';
import { test } from 'uvu';
import { type ExtrasDatabase, openExtrasDatabase } from '../test-support';
import { PostgresInbox } from './postgres-inbox';

// The kernel's inbox suite against a real PostgreSQL: one database for the file; a "restart" is
// a new inbox on a new pool over the same database.
let db: ExtrasDatabase | undefined;
const database = async () => (db ??= await openExtrasDatabase('pg_inbox_conformance'));
const pools: pg.Pool[] = [];

inboxConformance(test, {
  create: async () => {
    const { pool, schema } = await database();
    return new PostgresInbox({ pool, schema });
  },
  reopen: async () => {
    const { url, schema } = await database();
    const pool = new pg.Pool({ connectionString: url, max: 4 });
    pool.on('error', () => undefined); // the database is dropped at the end, idle connections with it
    pools.push(pool);
    return new PostgresInbox({ pool, schema });
  },
});

test.after(async () => {
  for (const pool of pools) await pool.end();
  await db?.close();
});

test.run();
