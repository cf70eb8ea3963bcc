import { snapshotStoreConformance } from '@ordo/kernel/testing';
import { test } from 'uvu';
import { type ExtrasDatabase, openExtrasDatabase } from '../test-support';
import { PostgresSnapshotStore } from './postgres-snapshot-store';

// The kernel's snapshot store suite against a real PostgreSQL: one database for the file, one
// store per case (the suite's stream ids are unique per case and run).
let db: ExtrasDatabase | undefined;
const database = async () => (db ??= await openExtrasDatabase('pg_snapshot_conformance'));

snapshotStoreConformance(test, {
  create: async () => {
    const { pool, schema } = await database();
    return new PostgresSnapshotStore({ pool, schema });
  },
});

test.after(async () => {
  await db?.close();
});

test.run();
