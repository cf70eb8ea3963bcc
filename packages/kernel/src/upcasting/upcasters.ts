import type { AnyEvent, EventStore } from '../event-store/event-store';
import type { RecordedEvent } from '../event-store/recorded-event';

/**
 * Turns an event stored at `fromVersion` of its schema into the shape of `fromVersion + 1`. An
 * upcaster may rename the type too.
 */
export interface Upcaster {
  readonly type: string;
  readonly fromVersion: number;
  /**
   * The new type name when this upcaster renames the type. Declaring it lets the renamed type's
   * own chain start at `fromVersion + 1` (without it, a chain that does not start at version 1
   * is reported as a gap), and makes `latest` of the new name at least `fromVersion + 1`.
   */
  readonly toType?: string;
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
 * as is a gap (v1 -> v2 missing while v2 -> v3 exists). A type's chain starts at version 1, or
 * right after a declared rename into it (see {@link Upcaster.toType}).
 */
export const createUpcasters = (list: ReadonlyArray<Upcaster>): Upcasters => {
  const byKey = new Map<string, Upcaster>();
  const latest = new Map<string, number>();
  /** Versions at which events of a type can enter its chain: 1, and after each rename into it. */
  const entries = new Map<string, number[]>();
  const raise = (type: string, version: number) => latest.set(type, Math.max(latest.get(type) ?? 1, version));
  for (const u of list) {
    if (!Number.isInteger(u.fromVersion) || u.fromVersion < 1) {
      throw new RangeError(`upcaster for '${u.type}' has fromVersion ${u.fromVersion}; versions start at 1`);
    }
    const key = `${u.type}@${u.fromVersion}`;
    if (byKey.has(key)) throw new Error(`two upcasters for '${u.type}' from version ${u.fromVersion}`);
    byKey.set(key, u);
    raise(u.type, u.fromVersion + 1);
    if (u.toType !== undefined && u.toType !== u.type) {
      entries.set(u.toType, [...(entries.get(u.toType) ?? []), u.fromVersion + 1]);
      raise(u.toType, u.fromVersion + 1);
    }
  }
  for (const [type, top] of latest) {
    const registered = [...byKey.values()].filter((u) => u.type === type).map((u) => u.fromVersion);
    if (registered.length === 0) continue;
    const lowest = Math.min(...registered);
    const start = Math.max(...[1, ...(entries.get(type) ?? [])].filter((v) => v <= lowest));
    for (let v = start; v < top; v++) {
      if (byKey.has(`${type}@${v}`)) continue;
      const hint = v === 1 ? ` (if an upcaster renames another type into '${type}', declare its toType)` : '';
      throw new Error(`upcasters for '${type}' have a gap at version ${v}${hint}`);
    }
  }
  const upcast = <E extends AnyEvent>(recorded: RecordedEvent<AnyEvent>): RecordedEvent<E> => {
    let event = recorded.event as AnyEvent & Record<string, unknown>;
    let version = recorded.metadata.schemaVersion ?? 1;
    for (let guard = 0; guard < 1000; guard++) {
      const step = byKey.get(`${event.type}@${version}`);
      if (step === undefined) break;
      event = step.upcast(event);
      if (step.toType !== undefined && event.type !== step.toType) {
        throw new Error(
          `upcaster for '${step.type}' from version ${version} declares toType '${step.toType}' but returned '${event.type}'`,
        );
      }
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
