// The kernel's `Inbox` port on PostgreSQL. Public surface of this folder.
export { PostgresInbox } from './postgres-inbox';
