import { LOCK_CLASS } from '../runtime/advisory-locks';
import { type SchemaName, sqlLiteral } from '../schema/schema-name';

/**
 * SQL that takes the store's write lock for the rest of the transaction. A module that writes in
 * the append transaction (an `inTransaction` hook) already holds it; anything else that must be
 * ordered with appends (a maintenance job renumbering nothing, a bulk import) can take it too.
 */
export const appendLockSql = (schema: SchemaName): string =>
  `SELECT pg_advisory_xact_lock(${LOCK_CLASS.append}, hashtext(${sqlLiteral(schema.name)}))`;
