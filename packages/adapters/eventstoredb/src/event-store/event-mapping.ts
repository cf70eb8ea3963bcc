import type { EventData, JSONType, RecordedEvent as ClientRecordedEvent } from '@eventstore/db-client';
import {
  InvalidInputError,
  type AnyEvent,
  type NewEvent,
  type RecordedEvent,
  type ValidationIssue,
} from '@ordo/kernel';
import { toEsdbEventId } from './event-id';
import { decodeMetadata, encodeMetadata } from './metadata-encoding';
import { toGlobalPosition } from './position-mapping';

/**
 * Events, both ways. An Ordo event is stored as a JSON event whose EventStoreDB type is the
 * event's `type`, whose data is the whole event object (its `type` included) and whose metadata
 * is {@link encodeMetadata}'s object. The EventStoreDB event id is {@link toEsdbEventId} of the
 * Ordo id.
 */

/** The client's event data for an Ordo event (call after `assertValidAppend`). */
export const toEventData = (newEvent: NewEvent): EventData => ({
  id: toEsdbEventId(newEvent.metadata.eventId),
  contentType: 'application/json',
  type: newEvent.event.type,
  data: newEvent.event as unknown as JSONType,
  metadata: encodeMetadata(newEvent.metadata) as JSONType,
});

/** What to do with an event that was not written by Ordo (no metadata marker). */
export type ForeignEventPolicy = 'skip' | 'reject';

const corrupt = (where: string, issues: ReadonlyArray<ValidationIssue>): InvalidInputError =>
  new InvalidInputError(
    'corrupt_event',
    `stored event ${where} cannot be read as an Ordo event: ${issues
      .map((i) => `${i.path === '' ? '<root>' : i.path}: expected ${i.expected}`)
      .join('; ')}`,
    issues,
  );

/**
 * The Ordo event of a stored event, or `undefined` when it is not an Ordo event and `foreign` is
 * `'skip'`. `streamId` is the Ordo stream id (the caller strips the prefix). Throws
 * {@link InvalidInputError} `corrupt_event` naming the offending field when an event cannot be
 * read (or is foreign under `'reject'`), and `UnsupportedPositionError` when it has no usable
 * position.
 */
export const fromClientEvent = <E extends AnyEvent = AnyEvent>(
  recorded: ClientRecordedEvent,
  streamId: string,
  foreign: ForeignEventPolicy,
): RecordedEvent<E> | undefined => {
  const where = `${recorded.streamId}@${recorded.revision}`;
  const decoded = decodeMetadata(recorded.metadata);
  if (decoded.kind === 'foreign') {
    if (foreign === 'skip') return undefined;
    throw corrupt(where, [
      { path: 'metadata', expected: 'Ordo event metadata (with the $ordo marker)', actual: recorded.metadata },
    ]);
  }
  if (decoded.kind === 'invalid')
    throw corrupt(
      where,
      decoded.issues.map((i) => ({ ...i, path: `metadata.${i.path}` })),
    );
  const data: unknown = recorded.data;
  if (!recorded.isJson || typeof data !== 'object' || data === null || Array.isArray(data)) {
    throw corrupt(where, [{ path: 'data', expected: 'JSON object', actual: recorded.isJson ? data : '[binary]' }]);
  }
  if ((data as { type?: unknown }).type !== recorded.type) {
    throw corrupt(where, [
      { path: 'data.type', expected: `'${recorded.type}'`, actual: (data as { type?: unknown }).type },
    ]);
  }
  return {
    streamId,
    streamVersion: recorded.revision,
    globalPosition: toGlobalPosition(recorded.position, `event ${where}`),
    event: data as E,
    metadata: decoded.metadata,
  };
};
