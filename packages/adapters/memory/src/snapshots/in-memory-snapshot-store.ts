import { InvalidInputError, type Snapshot, type SnapshotStore } from '@ordo/kernel';
import { assertValidStreamId, findNonJsonValue } from '@ordo/kernel/adapter-kit';
import { frozenCopy } from '../shared';

/** An in-memory {@link SnapshotStore}, with a helper for tests. */
export interface InMemorySnapshotStore extends SnapshotStore {
  /** Every stored snapshot (one per stream and decider version). */
  entries(): ReadonlyArray<Snapshot>;
}

/**
 * Creates an in-memory snapshot store. One snapshot is kept per stream and decider version; a
 * save older than the stored one is ignored. The state must be JSON-safe, as in a database
 * (`InvalidInputError('not_serialisable')` otherwise). It is copied on save and again on load, so
 * neither the saver nor the loader can change what is stored (a snapshot load is rare; a fresh
 * state is friendlier to `evolve` functions than a frozen one).
 */
export const createInMemorySnapshotStore = (): InMemorySnapshotStore => {
  const byStream = new Map<string, Map<string, Snapshot>>();

  return {
    load: async (streamId, deciderVersion) => {
      assertValidStreamId(streamId);
      if (typeof deciderVersion !== 'string' || deciderVersion.length === 0) {
        throw new InvalidInputError('invalid_decider_version', 'deciderVersion must be a non-empty string', [
          { path: 'deciderVersion', expected: 'non-empty string', actual: deciderVersion },
        ]);
      }
      const stored = byStream.get(streamId)?.get(deciderVersion);
      return stored === undefined ? undefined : { ...stored, state: structuredClone(stored.state) };
    },
    save: async (snapshot) => {
      assertValidStreamId(snapshot.streamId);
      if (typeof snapshot.version !== 'bigint' || snapshot.version < 0n) {
        throw new InvalidInputError('invalid_snapshot', 'snapshot.version must be a bigint >= 0n', [
          { path: 'version', expected: 'bigint >= 0n', actual: snapshot.version },
        ]);
      }
      if (typeof snapshot.deciderVersion !== 'string' || snapshot.deciderVersion.length === 0) {
        throw new InvalidInputError('invalid_snapshot', 'snapshot.deciderVersion must be a non-empty string', [
          { path: 'deciderVersion', expected: 'non-empty string', actual: snapshot.deciderVersion },
        ]);
      }
      const issue =
        snapshot.state === undefined
          ? { path: 'state', expected: 'JSON value', actual: undefined }
          : findNonJsonValue(snapshot.state, 'state');
      if (issue !== undefined) {
        throw new InvalidInputError(
          'not_serialisable',
          `${issue.path} cannot be stored as JSON (expected ${issue.expected})`,
          [issue],
        );
      }
      let versions = byStream.get(snapshot.streamId);
      if (versions === undefined) {
        versions = new Map();
        byStream.set(snapshot.streamId, versions);
      }
      const stored = versions.get(snapshot.deciderVersion);
      if (stored !== undefined && stored.version > snapshot.version) return;
      versions.set(
        snapshot.deciderVersion,
        Object.freeze({
          streamId: snapshot.streamId,
          version: snapshot.version,
          deciderVersion: snapshot.deciderVersion,
          state: frozenCopy(snapshot.state),
        }),
      );
    },
    entries: () => [...byStream.values()].flatMap((versions) => [...versions.values()]),
  };
};
