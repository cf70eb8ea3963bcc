import { schedulerConformance } from '@ordo/kernel/testing';
import { test } from 'uvu';
import { type ExtrasDatabase, openExtrasDatabase } from '../test-support';
import { PostgresScheduler } from './postgres-scheduler';

// The kernel's scheduler suite against a real PostgreSQL: one database for the file, and a queue
// of its own for each case (queues of one table are independent), so every case starts empty.
let db: ExtrasDatabase | undefined;
const database = async () => (db ??= await openExtrasDatabase('pg_scheduler_conformance'));
let queues = 0;

schedulerConformance(test, {
  create: async () => {
    const { pool, schema } = await database();
    return new PostgresScheduler<unknown>({ pool, schema, queue: `case-${++queues}` });
  },
});

test.after(async () => {
  await db?.close();
});

test.run();
