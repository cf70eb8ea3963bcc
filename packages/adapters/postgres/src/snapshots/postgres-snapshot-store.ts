import {
  InvalidInputError,
  type Snapshot,
  type SnapshotStore,
  assertValidStreamId,
  findNonJsonValue,
} from '@ordo/kernel';
import type { Pool } from 'pg';
import { DEFAULT_SCHEMA, assertSchemaName, qualified } from '../support/qualified-name';
import { toBigInt } from '../support/transaction';

const assertDeciderVersion = (deciderVersion: unknown): void => {
  if (typeof deciderVersion !== 'string' || deciderVersion.length === 0) {
    throw new InvalidInputError('invalid_decider_version', 'deciderVersion must be a non-empty string', [
      { path: 'deciderVersion', expected: 'non-empty string', actual: deciderVersion },
    ]);
  }
};

/**
 * The kernel's {@link SnapshotStore} on `<schema>.ordo_snapshots`: one row per (stream, decider
 * version), and only the newest version is kept. `save` is one upsert whose update only fires
 * for a higher version, so concurrent savers cannot move a snapshot backwards.
 */
export class PostgresSnapshotStore implements SnapshotStore {
  readonly #pool: Pool;
  readonly #table: string;

  constructor(options: { readonly pool: Pool; readonly schema?: string }) {
    const schema = options.schema ?? DEFAULT_SCHEMA;
    assertSchemaName(schema);
    this.#pool = options.pool;
    this.#table = qualified(schema, 'ordo_snapshots');
  }

  /** The stored snapshot of the stream for this decider version, if any. */
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
   * Stores the snapshot unless one with the same or a newer version is stored. Bad input (a bad
   * stream id, a negative version, state JSON cannot carry) throws {@link InvalidInputError} and
   * writes nothing.
   */
  async save(snapshot: Snapshot): Promise<void> {
    assertValidStreamId(snapshot.streamId);
    assertDeciderVersion(snapshot.deciderVersion);
    if (typeof snapshot.version !== 'bigint' || snapshot.version < 0n) {
      throw new InvalidInputError('invalid_version', 'snapshot version must be a bigint >= 0n', [
        { path: 'version', expected: 'bigint >= 0n', actual: snapshot.version },
      ]);
    }
    const issue =
      snapshot.state === undefined
        ? { path: 'state', expected: 'JSON value', actual: undefined }
        : findNonJsonValue(snapshot.state, 'state');
    if (issue) {
      throw new InvalidInputError(
        'not_serialisable',
        `${issue.path} cannot be stored as JSON (expected ${issue.expected})`,
        [issue],
      );
    }
    await this.#pool.query(
      `INSERT INTO ${this.#table} AS s (stream_id, decider_version, version, state)
       VALUES ($1, $2, $3, $4::jsonb)
       ON CONFLICT (stream_id, decider_version) DO UPDATE
         SET version = EXCLUDED.version, state = EXCLUDED.state, taken_at = now()
         WHERE s.version < EXCLUDED.version`,
      [snapshot.streamId, snapshot.deciderVersion, snapshot.version.toString(), JSON.stringify(snapshot.state)],
    );
  }
}
