/**
 * The checks of `ordo verify` that need nothing but the events read: global positions increase
 * and each stream's versions run 0, 1, 2, ... without a gap or a repeat, in global order.
 */
import type { RecordedEvent } from '@ordo/kernel';

/** What {@link checkContiguity} found. */
export interface ContiguityReport {
  readonly events: number;
  readonly streams: number;
  /** At most `limit` violations, in log order. */
  readonly violations: ReadonlyArray<string>;
}

/** Checks per-stream contiguity of versions and increasing global positions over the whole log. */
export const checkContiguity = (
  events: ReadonlyArray<
    Pick<RecordedEvent<{ readonly type: string }>, 'streamId' | 'streamVersion' | 'globalPosition'>
  >,
  limit = 10,
): ContiguityReport => {
  const next = new Map<string, bigint>();
  const violations: string[] = [];
  const violate = (v: string) => {
    if (violations.length < limit) violations.push(v);
  };
  let last: bigint | undefined;
  for (const e of events) {
    if (last !== undefined && e.globalPosition <= last) {
      violate(`global position ${e.globalPosition} of ${e.streamId} follows ${last}`);
    }
    last = e.globalPosition;
    const expected = next.get(e.streamId) ?? 0n;
    if (e.streamVersion !== expected) {
      violate(`stream ${e.streamId}: version ${e.streamVersion} at position ${e.globalPosition}, expected ${expected}`);
    }
    next.set(e.streamId, e.streamVersion + 1n);
  }
  return { events: events.length, streams: next.size, violations };
};
