// The kernel's `Scheduler` port on PostgreSQL: durable timers in a table, taken with SKIP LOCKED,
// and fired into the outbox in one transaction. Public surface of this folder.
export { PostgresScheduler, scheduledMessagesMigration } from './postgres-scheduler';
export type { FireDueOptions, PostgresSchedulerOptions, ScheduledEntry } from './postgres-scheduler';
