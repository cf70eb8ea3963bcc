// The schema: versioned migrations (the event store's own, the extra tables of the other ports,
// yours) and the schema name every module splices into SQL. Public surface of this folder; the
// name checks and the migration list itself are internal.
export { MigrationError, migrate } from './migrate';
export type { MigrateOptions, MigrateResult } from './migrate';
export type { Migration } from './migration';
export { EXTRA_MIGRATIONS, migrateExtras } from './extra-migrations';
export type { SchemaName } from './schema-name';
