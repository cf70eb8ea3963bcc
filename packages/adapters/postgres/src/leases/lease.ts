import type { PoolClient } from 'pg';
import { assertPositiveMs } from '../runtime/option-checks';
import type { Queryable } from '../runtime/transaction';
import { qualified } from '../schema/qualified-name';

/** Names a lease row. */
export interface LeaseKey {
  readonly schema: string;
  /** What is leased, e.g. `projection:order-summary`. */
  readonly name: string;
  /** Who holds it; unique per running worker (process id + random suffix, or a pod name). */
  readonly owner: string;
}

/**
 * Leases: rows `(name, owner, lease_until)` in `<schema>.ordo_leases`, with times from the database
 * clock (`now()`), so that processes with skewed clocks agree. Every operation is one statement;
 * no session state (advisory locks, temp tables) is kept between statements, so leases work
 * behind transaction-pooling proxies such as PgBouncer.
 *
 * A lease only says who *should* be working. Work that must not be done twice still needs a
 * fence in its own transaction ({@link holdsLease} with `FOR SHARE`, or a compare-and-set on a
 * checkpoint), because a holder can stall past its expiry.
 */

/**
 * Takes the lease if it is free, expired, or already ours (then it is renewed). Answers whether
 * `owner` holds it afterwards, for `leaseMs` from now (a positive number: `InvalidInputError`
 * `invalid_options` at `leaseMs` otherwise).
 */
export const acquireLease = async (db: Queryable, key: LeaseKey & { readonly leaseMs: number }): Promise<boolean> => {
  assertPositiveMs('leaseMs', key.leaseMs);
  const table = qualified(key.schema, 'ordo_leases');
  const result = await db.query(
    `INSERT INTO ${table} AS l (name, owner, lease_until, acquired_at)
     VALUES ($1, $2, now() + $3::double precision * interval '1 millisecond', now())
     ON CONFLICT (name) DO UPDATE
       SET owner = EXCLUDED.owner,
           lease_until = EXCLUDED.lease_until,
           acquired_at = CASE WHEN l.owner = EXCLUDED.owner THEN l.acquired_at ELSE EXCLUDED.acquired_at END
       WHERE l.owner = EXCLUDED.owner OR l.lease_until <= now()
     RETURNING owner`,
    [key.name, key.owner, key.leaseMs],
  );
  return result.rowCount === 1;
};

/** Gives the lease up if `owner` holds it, so another worker can take it at once. */
export const releaseLease = async (db: Queryable, key: LeaseKey): Promise<void> => {
  await db.query(`DELETE FROM ${qualified(key.schema, 'ordo_leases')} WHERE name = $1 AND owner = $2`, [
    key.name,
    key.owner,
  ]);
};

/**
 * Inside a transaction: true when `owner` holds a live lease. The row is locked `FOR SHARE`
 * until the transaction ends, so nobody can take the lease over while this transaction's work
 * commits (a taker waits, then sees the lease it may take).
 */
export const holdsLease = async (client: PoolClient, key: LeaseKey): Promise<boolean> => {
  const result = await client.query(
    `SELECT 1 FROM ${qualified(key.schema, 'ordo_leases')}
     WHERE name = $1 AND owner = $2 AND lease_until > now()
     FOR SHARE`,
    [key.name, key.owner],
  );
  return result.rowCount === 1;
};

/** The current holder of a live lease, if any (for monitoring and tests). */
export const leaseHolder = async (db: Queryable, schema: string, name: string): Promise<string | undefined> => {
  const result = await db.query<{ owner: string }>(
    `SELECT owner FROM ${qualified(schema, 'ordo_leases')} WHERE name = $1 AND lease_until > now()`,
    [name],
  );
  return result.rows[0]?.owner;
};
