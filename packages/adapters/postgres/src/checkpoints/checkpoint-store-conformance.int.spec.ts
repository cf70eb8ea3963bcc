import { checkpointStoreConformance } from '@ordo/kernel/testing';
import pg from 'pg';
import { test } from 'uvu';
import { type ExtrasDatabase, openExtrasDatabase } from '../test-support';
import { PostgresCheckpointStore } from './postgres-checkpoint-store';

// The kernel's checkpoint store suite against a real PostgreSQL: one database for the file; a
// "restart" is a new store on a new pool over the same database.
let db: ExtrasDatabase | undefined;
const database = async () => (db ??= await openExtrasDatabase('pg_checkpoint_conformance'));
const pools: pg.Pool[] = [];

checkpointStoreConformance(test, {
  create: async () => {
    const { pool, schema } = await database();
    return new PostgresCheckpointStore({ pool, schema });
  },
  reopen: async () => {
    const { url, schema } = await database();
    const pool = new pg.Pool({ connectionString: url, max: 2 });
    pool.on('error', () => undefined); // the database is dropped at the end, idle connections with it
    pools.push(pool);
    return new PostgresCheckpointStore({ pool, schema });
  },
});

test.after(async () => {
  for (const pool of pools) await pool.end();
  await db?.close();
});

test.run();
