import {
  ErrorType,
  WrongExpectedVersionError as ClientWrongExpectedVersionError,
  type AppendExpectedRevision,
  type CurrentRevision,
} from '@eventstore/db-client';
import { InvalidInputError, WrongExpectedVersionError, type ExpectedVersion } from '@ordo/kernel';
import { fromCurrentRevision, fromExpectedRevision } from './expected-version-mapping';

/**
 * The client's errors, mapped to Ordo's error model. Client errors are recognised by their `type`
 * tag as well as by class, so errors from a second copy of the client (ESM + CJS, two versions in
 * one tree) are recognised too.
 */

/** The fields of the client's `WrongExpectedVersionError` this adapter reads. */
export interface ClientWrongExpectedVersion {
  readonly type: `${ErrorType.WRONG_EXPECTED_VERSION}`;
  readonly streamName: string;
  readonly expectedVersion: AppendExpectedRevision;
  readonly actualVersion: CurrentRevision;
}

const typeOf = (error: unknown): unknown =>
  typeof error === 'object' && error !== null ? (error as { type?: unknown }).type : undefined;

/** True for the client's wrong-expected-version error. */
export const isClientWrongExpectedVersion = (error: unknown): error is ClientWrongExpectedVersion =>
  error instanceof ClientWrongExpectedVersionError ||
  (typeOf(error) === ErrorType.WRONG_EXPECTED_VERSION && 'actualVersion' in (error as object));

/**
 * Ordo's {@link WrongExpectedVersionError} for the client's: `actual` is the server's real
 * current revision (`'no_stream'` when the stream does not exist). `streamId` is the Ordo stream id
 * (the client's error names the prefixed EventStoreDB stream); `expected` is what the caller
 * asked for, defaulting to what the server reports.
 */
export const toWrongExpectedVersionError = (
  error: ClientWrongExpectedVersion,
  streamId: string,
  expected?: ExpectedVersion,
): WrongExpectedVersionError =>
  new WrongExpectedVersionError(
    streamId,
    expected ?? fromExpectedRevision(error.expectedVersion),
    fromCurrentRevision(error.actualVersion),
  );

/** True for the client's "stream not found" (reading a stream that does not exist). */
export const isStreamNotFound = (error: unknown): boolean => typeOf(error) === ErrorType.STREAM_NOT_FOUND;

/** True for the client's "stream deleted" (reading or writing a tombstoned stream). */
export const isStreamDeleted = (error: unknown): boolean => typeOf(error) === ErrorType.STREAM_DELETED;

const TRANSIENT_TYPES: ReadonlySet<unknown> = new Set([
  ErrorType.UNAVAILABLE,
  ErrorType.DEADLINE_EXCEEDED,
  ErrorType.TIMEOUT,
  ErrorType.NOT_LEADER,
  ErrorType.CANCELLED,
]);

// gRPC status codes of a dropped connection: CANCELLED (server going away), DEADLINE_EXCEEDED,
// INTERNAL (an RST_STREAM mid-stream), UNAVAILABLE.
const TRANSIENT_GRPC_CODES: ReadonlySet<unknown> = new Set([1, 4, 13, 14]);

/**
 * True for errors a reader may retry after a pause: the server is unreachable or restarting, the
 * connection dropped, the node is not the leader. Everything else (access denied, a deleted
 * stream, a corrupt event, a handler's error) is not retried.
 */
export const isTransientError = (error: unknown): boolean => {
  const type = typeOf(error);
  if (TRANSIENT_TYPES.has(type)) return true;
  // The client wraps statuses it has no class for (INTERNAL among them) as `UnknownError`.
  if (type !== undefined && type !== ErrorType.UNKNOWN) return false;
  return typeof error === 'object' && error !== null && TRANSIENT_GRPC_CODES.has((error as { code?: unknown }).code);
};

/**
 * The error an append rejects with for a client error: a wrong expected version becomes Ordo's
 * {@link WrongExpectedVersionError}; an append over the server's size limit becomes
 * {@link InvalidInputError} `append_too_large` (nothing was written); anything else is returned
 * unchanged (an unexpected failure).
 */
export const mapAppendError = (error: unknown, streamId: string, expected?: ExpectedVersion): unknown => {
  if (isClientWrongExpectedVersion(error)) return toWrongExpectedVersionError(error, streamId, expected);
  if (typeOf(error) === ErrorType.MAXIMUM_APPEND_SIZE_EXCEEDED) {
    const max = (error as { maxAppendSize?: unknown }).maxAppendSize;
    return new InvalidInputError(
      'append_too_large',
      `the append to '${streamId}' exceeds the server's maximum append size${typeof max === 'number' ? ` of ${max} bytes` : ''}`,
      [
        {
          path: 'events',
          expected: typeof max === 'number' ? `at most ${max} bytes` : 'a smaller append',
          actual: '[too large]',
        },
      ],
    );
  }
  return error;
};
