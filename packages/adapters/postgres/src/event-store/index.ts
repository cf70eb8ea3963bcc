// The kernel's `EventStore` port on PostgreSQL. Public surface of this folder (re-exported by the
// package entry); the write path beside it (append request and statement, group commit, append
// notifications, storable text) is internal and imported by module.
export { PostgresEventStore, createPostgresEventStore } from './postgres-event-store';
export type {
  CreatePostgresEventStoreOptions,
  DeleteStreamOptions,
  InTransactionHook,
  PostgresEventStoreOptions,
} from './postgres-event-store';
export type { GroupCommitOptions } from './group-commit';
export { appendLockSql } from './write-lock';
