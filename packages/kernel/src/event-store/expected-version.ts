/**
 * Optimistic concurrency, in the shape EventStoreDB's client uses.
 *
 * A stream's version is the revision of its last event; the first event is `0n`.
 */

/** What an append expects of the stream it writes to. */
export type ExpectedVersion = 'any' | 'no_stream' | 'stream_exists' | bigint;

/** What a stream is right now: absent, or at the revision of its last event. */
export type StreamState = 'no_stream' | bigint;

/** True when a stream in `actual` state satisfies `expected`. */
export const satisfiesExpectedVersion = (expected: ExpectedVersion, actual: StreamState): boolean => {
  switch (expected) {
    case 'any':
      return true;
    case 'no_stream':
      return actual === 'no_stream';
    case 'stream_exists':
      return actual !== 'no_stream';
    default:
      return actual === expected;
  }
};

/** `-1n` for an absent stream, else its version: handy for arithmetic. */
export const streamStateToBigint = (state: StreamState): bigint => (state === 'no_stream' ? -1n : state);

/** Renders an expected version or stream state for messages (`'no_stream'`, `41n`). */
export const formatVersion = (v: ExpectedVersion | StreamState): string => (typeof v === 'bigint' ? `${v}n` : `'${v}'`);

/** Validates a value claimed to be an {@link ExpectedVersion}; bigint revisions must be >= 0. */
export const isExpectedVersion = (v: unknown): v is ExpectedVersion =>
  v === 'any' || v === 'no_stream' || v === 'stream_exists' || (typeof v === 'bigint' && v >= 0n);
