import { InvalidInputError, describeValue, type Snapshot, type SnapshotStore } from '@ordo/kernel';
import { assertValidStreamId, findNonJsonValue } from '@ordo/kernel/adapter-kit';
import { NO_STREAM, type JSONType } from '@eventstore/db-client';
import type { EventStoreDbClientPort } from '../client/client-port';
import { isClientWrongExpectedVersion, mapAppendError } from '../event-store/error-mapping';
import { MaxCountKeeper, readLatest, recordEvent } from '../event-store/internal-streams';
import { streamNaming, type StreamNaming } from '../event-store/stream-naming';
import { integerOption } from '../option-checks';

/**
 * Snapshots on EventStoreDB: one stream per snapshotted stream (`_ordo_snapshot-<stream id>`
 * under the store's prefix), one `OrdoSnapshot` event per save holding `{ streamId, version,
 * deciderVersion, state }` (version as a decimal string), and a `$maxCount` (default 10) so the
 * server drops old ones. `load` returns the newest snapshot of the asked decider version among
 * the kept ones; `save` ignores a snapshot older than the newest stored one of its decider version.
 */

/** Event type of a stored snapshot. */
export const SNAPSHOT_EVENT_TYPE = 'OrdoSnapshot';

/** Options of {@link EventStoreDbSnapshotStore}. */
export interface EventStoreDbSnapshotStoreOptions {
  /** The same prefix as the event store's; defaults to none. */
  readonly streamPrefix?: string;
  /** Snapshots kept per stream (across decider versions); defaults to 10. */
  readonly keep?: number;
}

/** Decodes a stored snapshot's data, or throws `corrupt_snapshot` naming the field. */
export const decodeSnapshot = (streamId: string, data: unknown): Snapshot => {
  const d = (typeof data === 'object' && data !== null ? data : {}) as Record<string, unknown>;
  const fail = (path: string, expected: string, actual: unknown): never => {
    throw new InvalidInputError('corrupt_snapshot', `stored snapshot of '${streamId}': ${path} must be ${expected}`, [
      { path: `data.${path}`, expected, actual },
    ]);
  };
  if (typeof d.version !== 'string' || !/^(0|[1-9][0-9]*)$/.test(d.version))
    fail('version', 'decimal string', d.version);
  if (typeof d.deciderVersion !== 'string') fail('deciderVersion', 'string', d.deciderVersion);
  if (!('state' in d)) fail('state', 'JSON value', undefined);
  return { streamId, version: BigInt(d.version as string), deciderVersion: d.deciderVersion as string, state: d.state };
};

/** Encodes a snapshot as event data. */
export const encodeSnapshot = (snapshot: Snapshot): JSONType => ({
  streamId: snapshot.streamId,
  version: snapshot.version.toString(),
  deciderVersion: snapshot.deciderVersion,
  state: snapshot.state as JSONType,
});

function assertValidSnapshot(snapshot: unknown): asserts snapshot is Snapshot {
  if (typeof snapshot !== 'object' || snapshot === null) {
    throw new InvalidInputError('invalid_snapshot', `snapshot must be an object, got ${describeValue(snapshot)}`, [
      { path: '', expected: 'Snapshot', actual: snapshot },
    ]);
  }
  const s = snapshot as Partial<Snapshot>;
  assertValidStreamId(s.streamId);
  const fail = (path: string, expected: string, actual: unknown): never => {
    throw new InvalidInputError(
      'invalid_snapshot',
      `snapshot.${path} must be ${expected}, got ${describeValue(actual)}`,
      [{ path, expected, actual }],
    );
  };
  if (typeof s.version !== 'bigint' || s.version < 0n) fail('version', 'a bigint >= 0n', s.version);
  if (typeof s.deciderVersion !== 'string' || s.deciderVersion.length === 0) {
    fail('deciderVersion', 'a non-empty string', s.deciderVersion);
  }
  // State JSON cannot carry is `not_serialisable`, as in the event store and the other adapters.
  const issue =
    s.state === undefined
      ? { path: 'state', expected: 'JSON value', actual: undefined }
      : findNonJsonValue(s.state, 'state');
  if (issue) {
    throw new InvalidInputError(
      'not_serialisable',
      `${issue.path} cannot be stored as JSON (expected ${issue.expected})`,
      [issue],
    );
  }
}

/** The `deciderVersion` argument of `load`: `invalid_decider_version`, as in the other adapters. */
const assertDeciderVersion = (deciderVersion: unknown): void => {
  if (typeof deciderVersion !== 'string' || deciderVersion.length === 0) {
    throw new InvalidInputError(
      'invalid_decider_version',
      `deciderVersion must be a non-empty string, got ${describeValue(deciderVersion)}`,
      [{ path: 'deciderVersion', expected: 'non-empty string', actual: deciderVersion }],
    );
  }
};

/** {@link SnapshotStore} on EventStoreDB streams. */
export class EventStoreDbSnapshotStore implements SnapshotStore {
  private readonly naming: StreamNaming;
  private readonly keep: number;
  private readonly maxCount: MaxCountKeeper;

  constructor(
    private readonly client: EventStoreDbClientPort,
    options: EventStoreDbSnapshotStoreOptions = {},
  ) {
    this.naming = streamNaming(options.streamPrefix ?? '');
    this.keep = integerOption('keep', options.keep, 10);
    this.maxCount = new MaxCountKeeper(client, this.keep);
  }

  /** The newest kept snapshot of `streamId` taken by `deciderVersion`, if any. */
  async load(streamId: string, deciderVersion: string): Promise<Snapshot | undefined> {
    assertValidStreamId(streamId);
    assertDeciderVersion(deciderVersion);
    return (await this.latest(streamId, deciderVersion)).snapshot;
  }

  /**
   * Stores a snapshot unless one at a later version of the same decider version is stored. The
   * check and the write are tied by an expected revision; a concurrent save makes it check again.
   */
  async save(snapshot: Snapshot): Promise<void> {
    assertValidSnapshot(snapshot);
    const streamName = this.naming.snapshotStreamName(snapshot.streamId);
    await this.maxCount.ensure(streamName);
    const event = recordEvent(SNAPSHOT_EVENT_TYPE, encodeSnapshot(snapshot));
    for (let attempt = 1; ; attempt++) {
      const { snapshot: stored, revision } = await this.latest(snapshot.streamId, snapshot.deciderVersion);
      if (stored !== undefined && stored.version > snapshot.version) return;
      try {
        await this.client.appendToStream(streamName, [event], { expectedRevision: revision ?? NO_STREAM });
        return;
      } catch (error) {
        if (isClientWrongExpectedVersion(error) && attempt < 3) continue;
        throw mapAppendError(error, streamName);
      }
    }
  }

  private async latest(
    streamId: string,
    deciderVersion: string,
  ): Promise<{ snapshot: Snapshot | undefined; revision: bigint | undefined }> {
    const events = await readLatest(this.client, this.naming.snapshotStreamName(streamId), this.keep);
    const revision = events[0]?.event?.revision;
    for (const resolved of events) {
      const data = resolved.event?.data as { deciderVersion?: unknown } | undefined;
      if (data?.deciderVersion === deciderVersion) return { snapshot: decodeSnapshot(streamId, data), revision };
    }
    return { snapshot: undefined, revision };
  }
}
