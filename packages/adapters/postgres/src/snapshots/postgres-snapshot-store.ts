import { InvalidInputError, type Snapshot, type SnapshotStore } from '@ordo/kernel';
import { assertValidStreamId } from '@ordo/kernel/adapter-kit';
import type { Pool } from 'pg';
import { jsonbText } from '../runtime/json-text';
import { toBigInt } from '../runtime/pg-types';
import { qualified } from '../schema/qualified-name';
import { schemaOption } from '../schema/schema-name';

const isDeciderVersion = (deciderVersion: unknown): boolean =>
  typeof deciderVersion === 'string' && deciderVersion.length > 0;

/** The `deciderVersion` argument of `load`: `invalid_decider_version`. */
const assertDeciderVersion = (deciderVersion: unknown): void => {
  if (!isDeciderVersion(deciderVersion)) {
    throw new InvalidInputError('invalid_decider_version', 'deciderVersion must be a non-empty string', [
      { path: 'deciderVersion', expected: 'non-empty string', actual: deciderVersion },
    ]);
  }
};

/** A field of the snapshot given to `save` is bad: `invalid_snapshot`, as in the other adapters. */
const invalidSnapshot = (path: string, expected: string, actual: unknown): InvalidInputError =>
  new InvalidInputError('invalid_snapshot', `snapshot.${path} must be ${expected}`, [{ path, expected, actual }]);

/**
 * The kernel's {@link SnapshotStore} on `<schema>.ordo_snapshots`: one row per (stream, decider
 * version), and only the newest version is kept. `save` is one upsert whose update only fires
 * for a higher version, so concurrent savers cannot move a snapshot backwards.
 */
export class PostgresSnapshotStore implements SnapshotStore {
  readonly #pool: Pool;
  readonly #table: string;

  /** A bad `schema` throws `InvalidInputError` `invalid_options` (issue path `schema`). */
  constructor(options: { readonly pool: Pool; readonly schema?: string }) {
    this.#pool = options.pool;
    this.#table = qualified(schemaOption(options.schema).name, 'ordo_snapshots');
  }

  /**
   * The stored snapshot of the stream for this decider version, if any. An empty `deciderVersion`
   * throws `InvalidInputError` `invalid_decider_version`.
   */
  async load(streamId: string, deciderVersion: string): Promise<Snapshot | undefined> {
    assertValidStreamId(streamId);
    assertDeciderVersion(deciderVersion);
    const result = await this.#pool.query<{ version: string; state: unknown }>(
      `SELECT version, state FROM ${this.#table} WHERE stream_id = $1 AND decider_version = $2`,
      [streamId, deciderVersion],
    );
    const row = result.rows[0];
    if (row === undefined) return undefined;
    return { streamId, deciderVersion, version: toBigInt(row.version) ?? 0n, state: row.state };
  }

  /**
   * Stores the snapshot unless one with the same or a newer version is stored. Bad input throws
   * {@link InvalidInputError} and writes nothing: the kernel's stream-id codes for a bad stream
   * id, `invalid_snapshot` for a bad `version` (not a bigint >= 0n) or `deciderVersion` (not a
   * non-empty string), `not_serialisable` for state JSON cannot carry.
   */
  async save(snapshot: Snapshot): Promise<void> {
    assertValidStreamId(snapshot.streamId);
    if (!isDeciderVersion(snapshot.deciderVersion)) {
      throw invalidSnapshot('deciderVersion', 'a non-empty string', snapshot.deciderVersion);
    }
    if (typeof snapshot.version !== 'bigint' || snapshot.version < 0n) {
      throw invalidSnapshot('version', 'a bigint >= 0n', snapshot.version);
    }
    const state = jsonbText(snapshot.state, 'state', `snapshot of '${snapshot.streamId}'`);
    await this.#pool.query(
      `INSERT INTO ${this.#table} AS s (stream_id, decider_version, version, state)
       VALUES ($1, $2, $3, $4::jsonb)
       ON CONFLICT (stream_id, decider_version) DO UPDATE
         SET version = EXCLUDED.version, state = EXCLUDED.state, taken_at = now()
         WHERE s.version < EXCLUDED.version`,
      [snapshot.streamId, snapshot.deciderVersion, snapshot.version.toString(), state],
    );
  }
}
