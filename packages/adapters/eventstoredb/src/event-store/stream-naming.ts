import { InvalidInputError, invalidOptionError } from '@ordo/kernel';

/**
 * How Ordo stream ids become EventStoreDB stream names.
 *
 * - A store may be given a `prefix`: stream id `order-1` is stored as `${prefix}order-1`, and
 *   `readAll` / subscriptions only see streams under the prefix. Several applications (or test
 *   runs) can share one server this way.
 * - The checkpoint and snapshot stores keep their data in streams named `_ordo_checkpoint-<name>`
 *   and `_ordo_snapshot-<stream id>` under the same prefix. Stream ids starting with `_ordo_` are
 *   therefore reserved, and so is any id whose stream name would start with `$` (EventStoreDB's
 *   system streams): appending to or reading such an id is rejected as bad input.
 */

/** Prefix of the streams the adapter keeps for itself (checkpoints, snapshots). */
export const RESERVED_STREAM_ID_PREFIX = '_ordo_';
/** Stream id (under the prefix) of a checkpoint. */
export const CHECKPOINT_STREAM_ID_PREFIX = `${RESERVED_STREAM_ID_PREFIX}checkpoint-`;
/** Stream id (under the prefix) of the snapshots of a stream. */
export const SNAPSHOT_STREAM_ID_PREFIX = `${RESERVED_STREAM_ID_PREFIX}snapshot-`;

/** Longest accepted prefix, in UTF-16 code units. */
export const MAX_PREFIX_LENGTH = 200;

/** The naming rules of one store. */
export interface StreamNaming {
  readonly prefix: string;
  /** The EventStoreDB stream name of an Ordo stream id. */
  readonly toStreamName: (streamId: string) => string;
  /**
   * The Ordo stream id of an EventStoreDB stream name, or `undefined` when the stream is not an
   * Ordo event stream of this store (outside the prefix, a system stream, a reserved stream).
   */
  readonly fromStreamName: (streamName: string) => string | undefined;
  /** Throws {@link InvalidInputError} `reserved_stream_id` for ids the adapter keeps for itself. */
  readonly assertUserStreamId: (streamId: string) => void;
  /** Name of the stream holding the checkpoint `name`. */
  readonly checkpointStreamName: (name: string) => string;
  /** Name of the stream holding the snapshots of `streamId`. */
  readonly snapshotStreamName: (streamId: string) => string;
}

/**
 * Throws {@link InvalidInputError} `invalid_options` (path `streamPrefix`) unless `prefix` can
 * name streams: a string of at most {@link MAX_PREFIX_LENGTH} printable characters, not starting
 * with `$` (EventStoreDB's system streams).
 */
export function assertValidPrefix(prefix: unknown): asserts prefix is string {
  if (
    typeof prefix !== 'string' ||
    prefix.length > MAX_PREFIX_LENGTH ||
    // eslint-disable-next-line no-control-regex
    /[\u0000-\u001f\u007f]/.test(prefix) ||
    prefix.startsWith('$')
  ) {
    throw invalidOptionError(
      'streamPrefix',
      `a string of at most ${MAX_PREFIX_LENGTH} printable characters not starting with '$'`,
      prefix,
    );
  }
}

/** The naming rules for `prefix` (empty by default). */
export const streamNaming = (prefix = ''): StreamNaming => {
  assertValidPrefix(prefix);
  const isReserved = (streamId: string): boolean =>
    streamId.startsWith(RESERVED_STREAM_ID_PREFIX) || (prefix + streamId).startsWith('$');
  return {
    prefix,
    toStreamName: (streamId) => prefix + streamId,
    fromStreamName: (streamName) => {
      if (!streamName.startsWith(prefix) || streamName.startsWith('$')) return undefined;
      const streamId = streamName.slice(prefix.length);
      return streamId.length === 0 || isReserved(streamId) ? undefined : streamId;
    },
    assertUserStreamId: (streamId) => {
      if (isReserved(streamId)) {
        throw new InvalidInputError(
          'reserved_stream_id',
          `stream id '${streamId.slice(0, 80)}' is reserved: ids starting with '${RESERVED_STREAM_ID_PREFIX}' hold ` +
            "the adapter's checkpoints and snapshots, and stream names starting with '$' are EventStoreDB system streams",
          [{ path: 'streamId', expected: `id not starting with ${RESERVED_STREAM_ID_PREFIX} or $`, actual: streamId }],
        );
      }
    },
    checkpointStreamName: (name) => prefix + CHECKPOINT_STREAM_ID_PREFIX + name,
    snapshotStreamName: (streamId) => prefix + SNAPSHOT_STREAM_ID_PREFIX + streamId,
  };
};
