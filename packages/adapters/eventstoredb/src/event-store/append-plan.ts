import { type ExpectedVersion, type StreamState } from '@ordo/kernel';
import { satisfiesExpectedVersion } from '@ordo/kernel/adapter-kit';

/**
 * The decision every Ordo store makes for `append(streamId, events with ids [i0..in-1], expected)`,
 * as a pure function of what the stream holds:
 *
 * (a) `i0` is already in this stream at version `p`, the stream's events `p..p+n-1` carry exactly
 *     `i0..in-1`, and `expected` was satisfied by the state before `p` -> an idempotent retry:
 *     success writing nothing, answering version `p+n-1` and that event's position;
 * (b) otherwise, `expected` is not satisfied by the current state -> wrong expected version;
 * (c) otherwise, any id is already in the stream -> `duplicate_event_id`;
 * (d) otherwise, write, expecting exactly the current state so that nothing can slip in between
 *     this check and the write (the server enforces it; a conflict means "check again").
 *
 * EventStoreDB keeps no index of event ids, so (c) is decided over the events of this stream only
 * (store-wide uniqueness is the one rule this adapter cannot check).
 */

/** One stored event, as the plan needs it. `T` carries whatever the caller needs back (its position). */
export interface StoredEventRef<T = unknown> {
  readonly version: bigint;
  readonly eventId: string;
  readonly ref: T;
}

/** The outcome of {@link planAppend}. */
export type AppendPlan<T = unknown> =
  | { readonly kind: 'idempotent'; readonly nextExpectedVersion: bigint; readonly last: StoredEventRef<T> }
  | { readonly kind: 'conflict'; readonly actual: StreamState }
  | { readonly kind: 'duplicate'; readonly eventId: string; readonly version: bigint }
  | { readonly kind: 'write'; readonly expectedState: StreamState };

/**
 * Plans an append. `stored` holds the stream's events in ascending version order (all of them, or
 * the most recent window of them); `current` is the stream's state (its last version).
 */
export const planAppend = <T>(
  stored: ReadonlyArray<StoredEventRef<T>>,
  current: StreamState,
  ids: ReadonlyArray<string>,
  expected: ExpectedVersion,
): AppendPlan<T> => {
  const first = ids[0];
  const at = first === undefined ? -1 : stored.findIndex((e) => e.eventId === first);
  const start = stored[at];
  if (start !== undefined) {
    const run = stored.slice(at, at + ids.length);
    const contiguous = run.every((e, i) => e.version === start.version + BigInt(i));
    const before: StreamState = start.version === 0n ? 'no_stream' : start.version - 1n;
    const last = run[run.length - 1];
    if (
      last !== undefined &&
      run.length === ids.length &&
      contiguous &&
      run.every((e, i) => e.eventId === ids[i]) &&
      satisfiesExpectedVersion(expected, before)
    ) {
      return { kind: 'idempotent', nextExpectedVersion: last.version, last };
    }
  }
  if (!satisfiesExpectedVersion(expected, current)) return { kind: 'conflict', actual: current };
  const wanted = new Set(ids);
  const clash = stored.find((e) => wanted.has(e.eventId));
  if (clash !== undefined) return { kind: 'duplicate', eventId: clash.eventId, version: clash.version };
  return { kind: 'write', expectedState: current };
};
