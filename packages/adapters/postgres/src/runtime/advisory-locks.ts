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
