import {
  type AnyEvent,
  type AppendOptions,
  type AppendResult,
  type ExpectedVersion,
  type NewEvent,
  type RecordedEvent,
  InvalidInputError,
  WrongExpectedVersionError,
} from '@ordo/kernel';
import { assertValidAppend, satisfiesExpectedVersion } from '@ordo/kernel/adapter-kit';
import { hashEventId } from './event-id-hash';
import type { EventLog } from './event-log';
import { toBigint } from './to-bigint';

/**
 * Checks an append and builds its records (frozen copies; nothing is visible until commit), or
 * answers the stored result of an idempotent retry. Fills `idHashes` with the hash of each event
 * id (`hashEventId`), which the id index needs here and again at commit.
 */
export type PrepareAppend<E extends AnyEvent> = (
  streamId: string,
  events: ReadonlyArray<NewEvent<E>>,
  options: AppendOptions | undefined,
  idHashes: number[],
) => RecordedEvent<E>[] | AppendResult;

/** Creates the {@link PrepareAppend} step of a store over `eventLog`, with its size limits. */
export const createAppendPreparer = <E extends AnyEvent>(
  { log, streams, byId }: EventLog<E>,
  limits: { readonly maxEventBytes?: number },
): PrepareAppend<E> => {
  return (streamId, events, options, idHashes) => {
    const expectedVersion = options?.expectedVersion;
    // The kernel's verdict, and deep-frozen copies of what was checked: from here on, only they
    // are read (not the caller's objects), and they are what the store keeps.
    const copies = assertValidAppend<E>(streamId, events, expectedVersion, limits);
    for (let i = 0; i < copies.length; i++) idHashes[i] = hashEventId(copies[i]!.metadata.eventId);
    const expected: ExpectedVersion = expectedVersion ?? 'any';
    const stream = streams.get(streamId);
    const n = copies.length;
    const firstIndex = byId.get(copies[0]!.metadata.eventId, idHashes[0]!);
    const first = firstIndex < 0 ? undefined : log[firstIndex]!;
    // (a) a retry: the first id sits in this stream at p, followed by exactly the other ids, and
    // `expected` held for the state before p. Answer what the original append answered.
    if (first !== undefined && first.streamId === streamId && stream !== undefined) {
      const p = Number(first.streamVersion);
      let same = p + n <= stream.length;
      for (let i = 1; same && i < n; i++) same = stream[p + i]!.metadata.eventId === copies[i]!.metadata.eventId;
      if (same && satisfiesExpectedVersion(expected, p === 0 ? 'no_stream' : toBigint(p - 1))) {
        const last = stream[p + n - 1]!;
        return { nextExpectedVersion: last.streamVersion, position: last.globalPosition };
      }
    }
    // (b) the expected version against the current state.
    if (expected !== 'any') {
      // The version as a shared small bigint: no allocation, no read of the last record.
      const actual = stream === undefined ? 'no_stream' : toBigint(stream.length - 1);
      if (!satisfiesExpectedVersion(expected, actual)) throw new WrongExpectedVersionError(streamId, expected, actual);
    }
    // (c) event ids are unique store-wide.
    for (let i = 0; i < n; i++) {
      const id = copies[i]!.metadata.eventId;
      if (i === 0 ? first !== undefined : byId.get(id, idHashes[i]!) >= 0) {
        throw new InvalidInputError('duplicate_event_id', `event id '${id}' is already stored`, [
          { path: `events.${i}.metadata.eventId`, expected: 'an event id not yet stored', actual: id },
        ]);
      }
    }
    // (d) build the records.
    const base = stream === undefined ? 0 : stream.length;
    const position = log.length + 1;
    const records = new Array<RecordedEvent<E>>(n);
    for (let i = 0; i < n; i++) {
      const { event, metadata } = copies[i]!;
      records[i] = Object.freeze({
        streamId,
        streamVersion: toBigint(base + i),
        globalPosition: toBigint(position + i),
        event,
        metadata,
      });
    }
    return records;
  };
};
