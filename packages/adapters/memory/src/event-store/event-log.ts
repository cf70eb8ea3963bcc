import type { AnyEvent, RecordedEvent } from '@ordo/kernel';
import { type StringIndex, createStringIndex } from './string-index';

/**
 * What the in-memory event store keeps: the global log and the indexes over it. Every record is
 * a frozen object shared by the log, its stream and its tenant list. The structures are created
 * once and only grow (appends push to them), so the parts of the store close over them directly.
 */
export interface EventLog<E extends AnyEvent = AnyEvent> {
  /** The global log; the event at index i has position i + 1. */
  readonly log: RecordedEvent<E>[];
  /** Each stream's events, by stream id, streams in order of creation. */
  readonly streams: Map<string, RecordedEvent<E>[]>;
  /** Event id -> index in `log`. */
  readonly byId: StringIndex;
  /** Each tenant's events in global order, for `tenantId` reads. */
  readonly byTenant: Map<string, RecordedEvent<E>[]>;
}

/** Creates an empty {@link EventLog}. */
export const createEventLog = <E extends AnyEvent>(): EventLog<E> => {
  const log: RecordedEvent<E>[] = [];
  return {
    log,
    streams: new Map(),
    byId: createStringIndex((index) => log[index]!.metadata.eventId),
    byTenant: new Map(),
  };
};
