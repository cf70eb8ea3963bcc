import type { AnyEvent, EventStore } from './event-store';
import type { RecordedEvent } from './metadata';

/**
 * Turns an event stored at `fromVersion` of its schema into the shape of `fromVersion + 1`. An
 * upcaster may rename the type too.
 */
export interface Upcaster {
  readonly type: string;
  readonly fromVersion: number;
  readonly upcast: (event: AnyEvent & Record<string, unknown>) => AnyEvent & Record<string, unknown>;
}

/** A set of upcasters applied on read. */
export interface Upcasters {
  /** The newest schema version known for a type (1 when none is registered). */
  latest(type: string): number;
  /** Brings a recorded event to the newest schema version of its type. */
  upcast<E extends AnyEvent>(recorded: RecordedEvent<AnyEvent>): RecordedEvent<E>;
}

/**
 * Builds an upcaster chain. Registering two upcasters for the same type and version is an error,
 * as is a gap (v1 -> v2 missing while v2 -> v3 exists).
 */
export const createUpcasters = (list: ReadonlyArray<Upcaster>): Upcasters => {
  const byKey = new Map<string, Upcaster>();
  const latest = new Map<string, number>();
  for (const u of list) {
    if (!Number.isInteger(u.fromVersion) || u.fromVersion < 1) {
      throw new RangeError(`upcaster for '${u.type}' has fromVersion ${u.fromVersion}; versions start at 1`);
    }
    const key = `${u.type}@${u.fromVersion}`;
    if (byKey.has(key)) throw new Error(`two upcasters for '${u.type}' from version ${u.fromVersion}`);
    byKey.set(key, u);
    latest.set(u.type, Math.max(latest.get(u.type) ?? 1, u.fromVersion + 1));
  }
  for (const [type, top] of latest) {
    for (let v = 1; v < top; v++) {
      if (!byKey.has(`${type}@${v}`)) throw new Error(`upcasters for '${type}' have a gap at version ${v}`);
    }
  }
  const upcast = <E extends AnyEvent>(recorded: RecordedEvent<AnyEvent>): RecordedEvent<E> => {
    let event = recorded.event as AnyEvent & Record<string, unknown>;
    let version = recorded.metadata.schemaVersion ?? 1;
    for (let guard = 0; guard < 1000; guard++) {
      const step = byKey.get(`${event.type}@${version}`);
      if (step === undefined) break;
      event = step.upcast(event);
      version += 1;
    }
    if (event === recorded.event) return recorded as unknown as RecordedEvent<E>;
    return { ...recorded, event: event as unknown as E, metadata: { ...recorded.metadata, schemaVersion: version } };
  };
  return { latest: (type) => latest.get(type) ?? 1, upcast };
};

/** Wraps a store so that every read (streams, all, subscriptions) returns upcast events. */
export const withUpcasting = <E extends AnyEvent>(
  store: EventStore<AnyEvent>,
  upcasters: Upcasters,
): EventStore<E> => ({
  appendToStream: (streamId, events, options) => store.appendToStream(streamId, events, options),
  readStream: async (streamId, options) =>
    (await store.readStream(streamId, options)).map((r) => upcasters.upcast<E>(r)),
  readAll: async (options) => (await store.readAll(options)).map((r) => upcasters.upcast<E>(r)),
  subscribeToAll: (options) =>
    store.subscribeToAll({ ...options, onEvent: (r) => options.onEvent(upcasters.upcast<E>(r)) }),
});
