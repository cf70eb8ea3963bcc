// The kernel's `SnapshotStore` port on PostgreSQL. Public surface of this folder.
export { PostgresSnapshotStore } from './postgres-snapshot-store';
