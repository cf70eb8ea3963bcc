import { eventStoreConformance } from '@ordo/kernel/testing';
import { test } from 'uvu';
import { openTestDatabase } from './int-test-database';
import { createPostgresEventStore, type PostgresEventStore } from './postgres-event-store';

// The kernel's conformance suite against the real server: every case gets its own schema.
const db = await openTestDatabase('pg_conformance');
let schemas = 0;

eventStoreConformance(test, {
  create: async () => createPostgresEventStore({ pool: db.pool, schema: `conformance_${++schemas}` }),
  dispose: async (store) => (store as PostgresEventStore).close(),
});

test.after(() => db.close());
test.run();
