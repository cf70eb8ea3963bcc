import { type SchemaName, sqlLiteral } from './schema-name';

/**
 * Advisory lock classes of this adapter (the two-key form `pg_advisory_xact_lock(int, int)`, whose
 * key space does not overlap the one-key form other software tends to use). The second key is
 * `hashtext(schema)`, so each schema has its own locks. Two schemas whose names hash alike share
 * a lock: that costs throughput, never correctness.
 *
 * Every lock here is transaction-scoped: it is released by COMMIT or ROLLBACK, so it works behind
 * transaction-pooling proxies and dies with a killed connection.
 */
export const LOCK_CLASS = {
  /** Serialises the write transactions of one store (appends, soft deletes): see `ordo_append`. */
  append: 0x4f52444f, // 'ORDO'
  /** Serialises migration runs of one schema. */
  migrate: 0x4f52444d, // 'ORDM'
} as const;

/**
 * SQL that takes the store's write lock for the rest of the transaction. A module that writes in
 * the append transaction (an `inTransaction` hook) already holds it; anything else that must be
 * ordered with appends (a maintenance job renumbering nothing, a bulk import) can take it too.
 */
export const appendLockSql = (schema: SchemaName): string =>
  `SELECT pg_advisory_xact_lock(${LOCK_CLASS.append}, hashtext(${sqlLiteral(schema.name)}))`;

/** The NOTIFY channel on which a store announces committed appends (at most 63 bytes). */
export const notificationChannel = (schema: SchemaName): string => {
  const channel = `ordo_events_${schema.name}`;
  if (channel.length <= 63) return channel;
  // FNV-1a of the full name keeps long names that share a prefix apart.
  let hash = 0x811c9dc5;
  for (let i = 0; i < schema.name.length; i++) {
    hash ^= schema.name.charCodeAt(i);
    hash = Math.imul(hash, 0x01000193) >>> 0;
  }
  return `ordo_events_${schema.name.slice(0, 42)}_${hash.toString(16).padStart(8, '0')}`;
};
