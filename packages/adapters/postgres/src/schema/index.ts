// The schema: versioned migrations (the event store's own, the extra tables of the other ports,
// yours) and the schema name every module splices into SQL. Public surface of this folder: the
// schema name check is public so that code outside this package (a host's own migrations and
// queries) splices names through the same check; the migration list itself is internal.
export { MigrationError, migrate } from './migrate';
export type { MigrateOptions, MigrateResult } from './migrate';
export type { Migration } from './migration';
export { EXTRA_MIGRATIONS, migrateExtras } from './extra-migrations';
export { schemaName } from './schema-name';
export type { SchemaName } from './schema-name';
