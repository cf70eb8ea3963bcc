/** `ordo migrate`: creates or upgrades the PostgreSQL schema of the host's tables. */
import { EXTRA_MIGRATIONS, migrate } from '@ordo/adapter-postgres';
import pg from 'pg';
import { HOST_MIGRATIONS } from '../../backends/postgres-answers';
import { databaseUrlFrom, schemaFrom, storeFlags } from '../backend-flags';
import type { CliCommand } from '../command';
import { EXIT } from '../errors';

/** `ordo migrate`. */
export const migrateCommand: CliCommand = {
  name: 'migrate',
  summary: 'create or upgrade the PostgreSQL schema (events, outbox, inbox, timers, read models, HTTP answers)',
  usage: '--database-url URL [--schema NAME]',
  description: [
    'Applies, in one transaction, every migration the schema has not recorded yet, and prints what it applied. Safe to run while hosts run and from several processes at once (they queue on an advisory lock); a schema whose applied migrations differ from the code is refused. `ordo serve` also migrates on start.',
  ],
  flags: storeFlags.filter((f) => f.name === 'database-url' || f.name === 'schema'),
  examples: [
    'ordo migrate --database-url postgres://ordo@localhost/shop',
    'ORDO_DATABASE_URL=postgres://... ordo migrate --schema shop',
  ],
  run: async (args, context) => {
    const url = databaseUrlFrom(args, '');
    const schema = schemaFrom(args);
    const pool = new pg.Pool({ connectionString: url, max: 1 });
    pool.on('error', () => undefined);
    try {
      const result = await migrate(pool, { schema, extra: [...EXTRA_MIGRATIONS, ...HOST_MIGRATIONS] });
      const names = await pool.query<{ version: number; name: string }>(
        `SELECT version, name FROM "${result.schema}".ordo_migrations WHERE version = ANY($1::int[]) ORDER BY version`,
        [result.applied],
      );
      if (result.applied.length === 0) {
        context.print(`schema ${result.schema} is up to date (${result.versions.length} migrations applied before)`);
      } else {
        context.print(`applied ${result.applied.length} migration(s) to schema ${result.schema}:`);
        for (const row of names.rows) context.print(`  ${String(row.version).padStart(3)}  ${row.name}`);
      }
      return EXIT.ok;
    } catch (error) {
      context.warn(`ordo migrate: ${error instanceof Error ? error.message : String(error)}`);
      return EXIT.failed;
    } finally {
      await pool.end();
    }
  },
};
