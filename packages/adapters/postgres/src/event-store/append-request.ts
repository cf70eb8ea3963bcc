import { type ExpectedVersion, InvalidInputError, type NewEvent } from '@ordo/kernel';
import { type AppendLimits, MAX_STREAM_ID_LENGTH, assertValidAppend } from '@ordo/kernel/adapter-kit';
import { findUnstorableText, hasUnstorableEscape, isStorableText, unstorable } from './storable-text';

/** Expected versions as `ordo_append` takes them: -1 no_stream, -2 any, -3 stream_exists, >= 0 exact. */
export const encodeExpected = (expected: ExpectedVersion): bigint =>
  expected === 'no_stream' ? -1n : expected === 'any' ? -2n : expected === 'stream_exists' ? -3n : expected;

/** Longest event id and tenant id, in UTF-16 code units (they are indexed; btree entries are bounded). */
export const MAX_ID_LENGTH = MAX_STREAM_ID_LENGTH;

/** One validated append, serialised and ready to join a group. */
export interface AppendRequest {
  readonly streamId: string;
  readonly expected: ExpectedVersion;
  readonly events: ReadonlyArray<NewEvent>;
  readonly eventIds: ReadonlyArray<string>;
  readonly types: ReadonlyArray<string>;
  readonly tenants: ReadonlyArray<string | null>;
  readonly data: ReadonlyArray<string>;
  readonly metadata: ReadonlyArray<string>;
  /** Serialised size of data and metadata, in UTF-16 code units (a cheap upper-bound proxy). */
  readonly size: number;
}

/**
 * Validates an append (the kernel's `assertValidAppend`, then what PostgreSQL cannot store) and
 * serialises it. Throws `InvalidInputError`; on success nothing has been sent yet.
 */
export const toAppendRequest = (
  streamId: unknown,
  events: unknown,
  expectedVersion: unknown,
  limits: AppendLimits,
): AppendRequest => {
  assertValidAppend(streamId, events, expectedVersion, limits);
  const stream = streamId as string;
  if (!isStorableText(stream)) {
    throw new InvalidInputError('invalid_stream_id', 'stream id must not hold unpaired UTF-16 surrogates', [
      { path: 'streamId', expected: 'well-formed text', actual: stream.slice(0, 80) },
    ]);
  }
  const list = events as ReadonlyArray<NewEvent>;
  const eventIds: string[] = [];
  const types: string[] = [];
  const tenants: Array<string | null> = [];
  const data: string[] = [];
  const metadata: string[] = [];
  let size = 0;
  for (let i = 0; i < list.length; i++) {
    const e = list[i]!;
    const { eventId, tenantId } = e.metadata;
    if (eventId.length > MAX_ID_LENGTH) throw idTooLong(i, 'eventId', eventId);
    if (tenantId !== undefined && tenantId.length > MAX_ID_LENGTH) throw idTooLong(i, 'tenantId', tenantId);
    const dataJson = JSON.stringify(e.event);
    const metaJson = JSON.stringify(e.metadata);
    if (hasUnstorableEscape(dataJson) || hasUnstorableEscape(metaJson)) {
      const at = `events.${i}`;
      const issue = findUnstorableText(e.event, `${at}.event`) ?? findUnstorableText(e.metadata, `${at}.metadata`);
      if (issue) throw unstorable(issue);
    }
    eventIds.push(eventId);
    types.push(e.event.type);
    tenants.push(tenantId ?? null);
    data.push(dataJson);
    metadata.push(metaJson);
    size += dataJson.length + metaJson.length;
  }
  return {
    streamId: stream,
    expected: (expectedVersion as ExpectedVersion | undefined) ?? 'any',
    events: list,
    eventIds,
    types,
    tenants,
    data,
    metadata,
    size,
  };
};

const idTooLong = (i: number, field: 'eventId' | 'tenantId', value: string): InvalidInputError =>
  new InvalidInputError('invalid_metadata', `events.${i}.metadata.${field} is longer than ${MAX_ID_LENGTH}`, [
    {
      path: `events.${i}.metadata.${field}`,
      expected: `at most ${MAX_ID_LENGTH} characters`,
      actual: value.slice(0, 80),
    },
  ]);
