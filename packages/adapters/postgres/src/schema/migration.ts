import type { SchemaName } from './schema-name';

/**
 * One numbered, forward-only schema change. `sql` receives the validated schema and returns the
 * statements to run; they run inside the migration transaction, so a failing step leaves nothing
 * behind. Numbers 1-99 belong to the event store core; other modules of this package (and users)
 * register theirs from 100 up through `migrate(pool, { extra })`.
 *
 * Never edit a migration that has shipped: its checksum is recorded, and `migrate` refuses to run
 * against a schema where an applied step differs from the code. Add a new step instead.
 */
export interface Migration {
  readonly version: number;
  /** Short description, recorded with the version. */
  readonly name: string;
  readonly sql: (schema: SchemaName) => string;
}

/** Highest version reserved for the event store core. */
export const MAX_CORE_MIGRATION = 99;
