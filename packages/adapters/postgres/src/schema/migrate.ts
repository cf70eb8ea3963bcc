import { createHash } from 'node:crypto';
import type { Pool } from 'pg';
import { LOCK_CLASS } from '../runtime/advisory-locks';
import { ORDO_TYPES } from '../runtime/pg-types';
import { checkOut } from '../runtime/transaction';
import { coreMigrations } from './core-migrations';
import { MAX_CORE_MIGRATION, type Migration } from './migration';
import { type SchemaName, schemaOption } from './schema-name';

/** Options of {@link migrate}. */
export interface MigrateOptions {
  /**
   * Schema to create or upgrade; validated (`^[a-z_][a-z0-9_]{0,62}$`, else `invalid_options`).
   * Defaults to `ordo`.
   */
  readonly schema?: string;
  /**
   * Further migrations to apply after the core ones (projections, outbox, inbox, snapshots,
   * leases, your own tables). Versions must be >= 100 and unique.
   */
  readonly extra?: ReadonlyArray<Migration>;
}

/** What {@link migrate} did. */
export interface MigrateResult {
  readonly schema: string;
  /** Versions applied by this call, ascending (empty when the schema was up to date). */
  readonly applied: ReadonlyArray<number>;
  /** Every version recorded in the schema after this call, ascending. */
  readonly versions: ReadonlyArray<number>;
}

/** Thrown when a migration list is malformed or disagrees with what a schema recorded. */
export class MigrationError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'MigrationError';
  }
}

/** Checksum recorded with each applied migration: its name and its SQL for this schema. */
export const migrationChecksum = (migration: Migration, schema: SchemaName): string =>
  createHash('sha256')
    .update(`${migration.name}\n${migration.sql(schema)}`)
    .digest('hex');

const planOf = (extra: ReadonlyArray<Migration>): ReadonlyArray<Migration> => {
  for (const m of extra) {
    if (!Number.isInteger(m.version) || m.version <= MAX_CORE_MIGRATION) {
      throw new MigrationError(
        `migration '${m.name}' has version ${m.version}; versions 1-${MAX_CORE_MIGRATION} are reserved for the event store`,
      );
    }
  }
  const all = [...coreMigrations, ...extra].sort((a, b) => a.version - b.version);
  for (let i = 1; i < all.length; i++) {
    if (all[i]!.version === all[i - 1]!.version) {
      throw new MigrationError(`two migrations share version ${all[i]!.version}`);
    }
  }
  return all;
};

/**
 * Creates or upgrades a schema: applies, in version order, every migration it has not recorded
 * yet, in ONE transaction, and records each in `<schema>.ordo_migrations`.
 *
 * Safe when several processes start together: the transaction first takes a transaction-scoped
 * advisory lock for the schema (`pg_advisory_xact_lock`, which also works behind transaction
 * poolers), so runs queue up; a later run finds the versions recorded by the earlier one and
 * applies nothing. A failing step rolls the whole run back.
 *
 * Refuses (with {@link MigrationError}) when an applied migration's checksum differs from the code:
 * shipped migrations are never edited, new steps are added instead.
 */
export const migrate = async (pool: Pool, options: MigrateOptions = {}): Promise<MigrateResult> => {
  const schema = schemaOption(options.schema);
  const plan = planOf(options.extra ?? []);
  const q = schema.quoted;
  // A connection that dies mid-migration fails this call instead of crashing the process.
  const { client, release } = await checkOut(pool);
  let broken: unknown;
  try {
    await client.query('BEGIN ISOLATION LEVEL READ COMMITTED');
    try {
      await client.query('SELECT pg_advisory_xact_lock($1, hashtext($2))', [LOCK_CLASS.migrate, schema.name]);
      await client.query(`CREATE SCHEMA IF NOT EXISTS ${q}`);
      await client.query(
        `CREATE TABLE IF NOT EXISTS ${q}.ordo_migrations (
           version    integer     PRIMARY KEY,
           name       text        NOT NULL,
           checksum   text        NOT NULL,
           applied_at timestamptz NOT NULL DEFAULT now()
         )`,
      );
      const recorded = await client.query<{ version: number; checksum: string }>({
        text: `SELECT version, checksum FROM ${q}.ordo_migrations ORDER BY version`,
        types: ORDO_TYPES,
      });
      const done = new Map(recorded.rows.map((r) => [r.version, r.checksum]));
      const applied: number[] = [];
      for (const migration of plan) {
        const checksum = migrationChecksum(migration, schema);
        const existing = done.get(migration.version);
        if (existing !== undefined) {
          if (existing !== checksum) {
            throw new MigrationError(
              `migration ${migration.version} ('${migration.name}') differs from the one applied to schema '${schema.name}'; ` +
                'applied migrations must not change, add a new one instead',
            );
          }
          continue;
        }
        try {
          await client.query(migration.sql(schema));
        } catch (error) {
          throw new MigrationError(
            `migration ${migration.version} ('${migration.name}') failed on schema '${schema.name}': ${error instanceof Error ? error.message : String(error)}`,
          );
        }
        await client.query(`INSERT INTO ${q}.ordo_migrations (version, name, checksum) VALUES ($1, $2, $3)`, [
          migration.version,
          migration.name,
          checksum,
        ]);
        applied.push(migration.version);
        done.set(migration.version, checksum);
      }
      await client.query('COMMIT');
      return { schema: schema.name, applied, versions: [...done.keys()].sort((a, b) => a - b) };
    } catch (error) {
      await client.query('ROLLBACK').catch((rollbackError: unknown) => {
        broken = rollbackError;
      });
      throw error;
    }
  } finally {
    release(broken instanceof Error ? broken : undefined);
  }
};
