import {
  ANY,
  NO_STREAM,
  STREAM_EXISTS,
  type AppendExpectedRevision,
  type CurrentRevision,
} from '@eventstore/db-client';
import type { ExpectedVersion, StreamState } from '@ordo/kernel';

/**
 * Expected versions, both ways. Ordo's port was modelled on EventStoreDB's client, so the mapping
 * is one to one: `'any'` -> `ANY`, `'no_stream'` -> `NO_STREAM`, `'stream_exists'` ->
 * `STREAM_EXISTS`, a bigint revision -> the same bigint revision (the first event is `0n` in both).
 */

/** The client's expected revision for an Ordo expected version. */
export const toExpectedRevision = (expected: ExpectedVersion): AppendExpectedRevision => {
  switch (expected) {
    case 'any':
      return ANY;
    case 'no_stream':
      return NO_STREAM;
    case 'stream_exists':
      return STREAM_EXISTS;
    default:
      return expected;
  }
};

/**
 * The Ordo expected version of a client expected revision. Old servers report the special
 * expectations as negative numbers in error headers (-1 no stream, -2 any, -4 stream exists);
 * they are read back as the named values.
 */
export const fromExpectedRevision = (expected: AppendExpectedRevision): ExpectedVersion => {
  switch (expected) {
    case ANY:
      return 'any';
    case NO_STREAM:
      return 'no_stream';
    case STREAM_EXISTS:
      return 'stream_exists';
    default:
      if (expected >= 0n) return expected;
      if (expected === -1n) return 'no_stream';
      if (expected === -4n) return 'stream_exists';
      return 'any';
  }
};

/**
 * The Ordo stream state of the client's current revision: `NO_STREAM` (or a negative number,
 * which some client paths use for an absent stream) -> `'no_stream'`, else the revision.
 */
export const fromCurrentRevision = (current: CurrentRevision): StreamState =>
  current === NO_STREAM || current < 0n ? 'no_stream' : current;
