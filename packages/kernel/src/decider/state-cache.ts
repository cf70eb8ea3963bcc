import type { StreamState } from '../event-store/expected-version';

/** A cached, possibly stale, state of one stream. Staleness is caught by the expected-version check. */
export interface CachedState<S> {
  readonly state: S;
  readonly version: StreamState;
}

/** Where the command handler keeps recently loaded states between commands. */
export interface StateCache<S> {
  get(streamId: string): CachedState<S> | undefined;
  set(streamId: string, entry: CachedState<S>): void;
  delete(streamId: string): void;
}

/** A least-recently-used {@link StateCache} holding at most `maxEntries` streams. */
export const createLruStateCache = <S>(maxEntries = 10_000): StateCache<S> => {
  if (!Number.isInteger(maxEntries) || maxEntries <= 0) throw new RangeError('maxEntries must be a positive integer');
  const entries = new Map<string, CachedState<S>>();
  return {
    get: (streamId) => {
      const entry = entries.get(streamId);
      if (entry !== undefined) {
        entries.delete(streamId);
        entries.set(streamId, entry);
      }
      return entry;
    },
    set: (streamId, entry) => {
      entries.delete(streamId);
      entries.set(streamId, entry);
      if (entries.size > maxEntries) {
        const oldest = entries.keys().next();
        if (!oldest.done) entries.delete(oldest.value);
      }
    },
    delete: (streamId) => {
      entries.delete(streamId);
    },
  };
};
