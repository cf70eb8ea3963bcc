import { type AppendResult, InvalidInputError, type RecordedEvent, WrongExpectedVersionError } from '@ordo/kernel';
import type { QueryConfig } from 'pg';
import { type AppendRequest, encodeExpected } from './append-request';
import type { AppendOutcome } from './group-commit';
import { ORDO_TYPES } from '../runtime/pg-types';
import type { SchemaName } from '../schema/schema-name';

/** One row of `ordo_append`'s answer, as node-postgres returns it (bigints as strings). */
export interface AppendRow {
  readonly status: number;
  readonly next_version: string | null;
  readonly last_position: string | null;
  readonly actual_version: string | null;
  readonly detail: string | null;
}

/** `ordo_append` statuses. */
export const APPEND_STATUS = { written: 0, idempotent: 1, wrongVersion: 2, duplicateId: 3 } as const;

/**
 * The single statement that writes a whole group: a call of `ordo_append` with the group as
 * parallel arrays (one round trip, whatever the group size). Named, so each connection parses
 * and plans it once. Data and metadata travel as one JSON array each, joined from the JSON the
 * request already holds: no per-event array-literal escaping here, and one `jsonb` parse on the
 * server instead of a `jsonb[]` literal.
 */
export const appendStatement = (schema: SchemaName, group: ReadonlyArray<AppendRequest>): QueryConfig => {
  const values = group.length === 1 ? singleAppendValues(group[0]!) : groupValues(group);
  return {
    name: `ordo_append:${schema.name}`,
    text:
      `SELECT status, next_version, last_position, actual_version, detail FROM ${schema.quoted}.ordo_append(` +
      '$1::text[], $2::int[], $3::bigint[], $4::int[], $5::text[], $6::int[], $7::text[], $8::text[], $9::jsonb, $10::jsonb)',
    values,
    types: ORDO_TYPES,
  };
};

/** The common case of a batch written alone: the request's own arrays, no copies. */
const singleAppendValues = (request: AppendRequest): unknown[] => [
  [request.streamId],
  [1],
  [encodeExpected(request.expected).toString()],
  [request.eventIds.length],
  request.eventIds,
  new Array<number>(request.eventIds.length).fill(1),
  request.types,
  request.tenants,
  `[${request.data.join(',')}]`,
  `[${request.metadata.join(',')}]`,
];

/** Several appends: streams numbered once, events concatenated in append order. */
const groupValues = (group: ReadonlyArray<AppendRequest>): unknown[] => {
  const streamIndex = new Map<string, number>();
  const streams: string[] = [];
  const appStream: number[] = [];
  const appExpected: string[] = [];
  const appCount: number[] = [];
  const eventIds: string[] = [];
  const eventApp: number[] = [];
  const types: string[] = [];
  const tenants: Array<string | null> = [];
  const data: string[] = [];
  const metadata: string[] = [];
  group.forEach((request, i) => {
    let s = streamIndex.get(request.streamId);
    if (s === undefined) {
      streams.push(request.streamId);
      s = streams.length;
      streamIndex.set(request.streamId, s);
    }
    appStream.push(s);
    appExpected.push(encodeExpected(request.expected).toString());
    appCount.push(request.eventIds.length);
    for (let k = 0; k < request.eventIds.length; k++) {
      eventIds.push(request.eventIds[k]!);
      eventApp.push(i + 1);
      types.push(request.types[k]!);
      tenants.push(request.tenants[k]!);
      data.push(request.data[k]!);
      metadata.push(request.metadata[k]!);
    }
  });
  return [
    streams,
    appStream,
    appExpected,
    appCount,
    eventIds,
    eventApp,
    types,
    tenants,
    `[${data.join(',')}]`,
    `[${metadata.join(',')}]`,
  ];
};

const big = (text: string | null, what: string): bigint => {
  if (text === null) throw new Error(`ordo_append answered no ${what}`);
  return BigInt(text);
};

/** Turns one answer row into the append's outcome. */
export const appendOutcome = (request: AppendRequest, row: AppendRow | undefined): AppendOutcome => {
  if (row === undefined) return { ok: false, error: new Error('ordo_append answered fewer rows than appends') };
  switch (row.status) {
    case APPEND_STATUS.written:
    case APPEND_STATUS.idempotent: {
      const result: AppendResult = {
        nextExpectedVersion: big(row.next_version, 'next_version'),
        position: big(row.last_position, 'last_position'),
      };
      return { ok: true, result };
    }
    case APPEND_STATUS.wrongVersion: {
      const actual = big(row.actual_version, 'actual_version');
      return {
        ok: false,
        error: new WrongExpectedVersionError(request.streamId, request.expected, actual < 0n ? 'no_stream' : actual),
      };
    }
    case APPEND_STATUS.duplicateId:
      return {
        ok: false,
        error: new InvalidInputError(
          'duplicate_event_id',
          `event id '${row.detail ?? '?'}' is already stored (in another stream, or at other revisions of this one)`,
          [{ path: 'events.metadata.eventId', expected: 'an event id not stored yet', actual: row.detail }],
        ),
      };
    default:
      return { ok: false, error: new Error(`ordo_append answered unknown status ${row.status}`) };
  }
};

/** The events an outcome wrote, as recorded (for `inTransaction` hooks); empty for an idempotent retry. */
export const recordedEvents = (request: AppendRequest, row: AppendRow): ReadonlyArray<RecordedEvent> => {
  if (row.status !== APPEND_STATUS.written) return [];
  const n = BigInt(request.events.length);
  const firstVersion = big(row.next_version, 'next_version') - n + 1n;
  const firstPosition = big(row.last_position, 'last_position') - n + 1n;
  return request.events.map((e, k) => ({
    streamId: request.streamId,
    streamVersion: firstVersion + BigInt(k),
    globalPosition: firstPosition + BigInt(k),
    event: e.event,
    metadata: e.metadata,
  }));
};
