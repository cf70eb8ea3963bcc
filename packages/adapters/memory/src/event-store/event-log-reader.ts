import { type AnyEvent, type ReadAllOptions, type ReadStreamOptions, type RecordedEvent } from '@ordo/kernel';
import { assertValidReadAllOptions, assertValidReadStreamOptions, assertValidStreamId } from '@ordo/kernel/adapter-kit';
import type { EventLog } from './event-log';

/** The reads of the in-memory event store, answered synchronously from its {@link EventLog}. */
export interface EventLogReader<E extends AnyEvent> {
  /** `EventStore.readAll`, without the promise: the stored, frozen records. */
  readAll(options?: ReadAllOptions): RecordedEvent<E>[];
  /** `EventStore.readStream`, without the promise: the stored, frozen records. */
  readStream(streamId: string, options?: ReadStreamOptions): RecordedEvent<E>[];
}

/** Creates the {@link EventLogReader} over `eventLog`. */
export const createEventLogReader = <E extends AnyEvent>({
  log,
  streams,
  byTenant,
}: EventLog<E>): EventLogReader<E> => {
  const readAll = (readOptions?: ReadAllOptions): RecordedEvent<E>[] => {
    // The kernel's one rule: `after` a bigint >= 0n (-1n is refused, not clamped), `maxCount` an integer >= 0.
    assertValidReadAllOptions(readOptions);
    const { after, maxCount, tenantId } = readOptions ?? {};
    const from = after === undefined ? 0 : after >= BigInt(log.length) ? log.length : Number(after);
    const limit = maxCount ?? Number.MAX_SAFE_INTEGER;
    if (tenantId === undefined) return log.slice(from, from + limit);
    const list = byTenant.get(tenantId);
    if (list === undefined) return [];
    // Binary search for the first event of the tenant strictly after `after`.
    let lo = 0;
    let hi = list.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (Number(list[mid]!.globalPosition) <= from) lo = mid + 1;
      else hi = mid;
    }
    return list.slice(lo, lo + limit);
  };

  const readStream = (streamId: string, readOptions?: ReadStreamOptions): RecordedEvent<E>[] => {
    assertValidStreamId(streamId);
    assertValidReadStreamOptions(readOptions);
    const { fromVersion, maxCount, direction = 'forwards', tenantId } = readOptions ?? {};
    const stream = streams.get(streamId);
    if (stream === undefined) return [];
    const limit = maxCount ?? Number.MAX_SAFE_INTEGER;
    const out: RecordedEvent<E>[] = [];
    if (direction === 'forwards') {
      const start =
        fromVersion === undefined ? 0 : fromVersion >= BigInt(stream.length) ? stream.length : Number(fromVersion);
      if (tenantId === undefined) return stream.slice(start, start + limit);
      for (let i = start; i < stream.length && out.length < limit; i++) {
        if (stream[i]!.metadata.tenantId === tenantId) out.push(stream[i]!);
      }
      return out;
    }
    const last = stream.length - 1;
    const start = fromVersion === undefined || fromVersion >= BigInt(last) ? last : Number(fromVersion);
    for (let i = start; i >= 0 && out.length < limit; i--) {
      if (tenantId === undefined || stream[i]!.metadata.tenantId === tenantId) out.push(stream[i]!);
    }
    return out;
  };

  return { readAll, readStream };
};
