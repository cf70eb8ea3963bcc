// The kernel's `CheckpointStore` port on PostgreSQL, and the fenced helpers runners use in their
// own transactions. Public surface of this folder.
export {
  PostgresCheckpointStore,
  StaleCheckpointError,
  compareAndSetCheckpoint,
  loadCheckpoint,
  resetCheckpoint,
} from './postgres-checkpoint-store';
