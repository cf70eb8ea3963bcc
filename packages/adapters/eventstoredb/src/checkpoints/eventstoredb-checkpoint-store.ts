import { InvalidInputError, describeValue, type CheckpointStore } from '@ordo/kernel';
import { MAX_STREAM_ID_LENGTH } from '@ordo/kernel/adapter-kit';
import { NO_STREAM } from '@eventstore/db-client';
import type { EventStoreDbClientPort } from '../client/client-port';
import { isClientWrongExpectedVersion, mapAppendError } from '../event-store/error-mapping';
import { MaxCountKeeper, readLatest, recordEvent } from '../event-store/internal-streams';
import { streamNaming, type StreamNaming } from '../event-store/stream-naming';

/**
 * Checkpoints on EventStoreDB: one stream per checkpoint name (`_ordo_checkpoint-<name>` under
 * the store's prefix), one `OrdoCheckpoint` event per save holding the position as a decimal
 * string, and `$maxCount: 1` on the stream so the server keeps only the latest. `load` reads the
 * last event. A checkpoint never moves backwards: `save` reads the stored position and appends
 * only a higher one, expecting the revision it read (a concurrent save makes it read again).
 * These streams are skipped by `readAll` and subscriptions.
 */

/** Event type of a stored checkpoint. */
export const CHECKPOINT_EVENT_TYPE = 'OrdoCheckpoint';

/** Options of {@link EventStoreDbCheckpointStore}. */
export interface EventStoreDbCheckpointStoreOptions {
  /** The same prefix as the event store's; defaults to none. */
  readonly streamPrefix?: string;
}

function assertValidName(name: unknown): asserts name is string {
  if (
    typeof name !== 'string' ||
    name.trim().length === 0 ||
    name.length > MAX_STREAM_ID_LENGTH ||
    // eslint-disable-next-line no-control-regex
    /[\u0000-\u001f\u007f]/.test(name)
  ) {
    throw new InvalidInputError(
      'invalid_checkpoint_name',
      `checkpoint name must be a non-empty printable string of at most ${MAX_STREAM_ID_LENGTH} characters, got ${describeValue(name)}`,
      [{ path: 'name', expected: 'non-empty printable string', actual: name }],
    );
  }
}

/** Decodes a stored checkpoint's data, or throws `corrupt_checkpoint` naming the field. */
export const decodeCheckpoint = (name: string, data: unknown): bigint => {
  const position = (data as { position?: unknown } | null)?.position;
  if (typeof position === 'string' && /^(0|[1-9][0-9]*)$/.test(position)) return BigInt(position);
  throw new InvalidInputError('corrupt_checkpoint', `stored checkpoint '${name}' has no valid position`, [
    { path: 'data.position', expected: 'decimal string', actual: position },
  ]);
};

/** {@link CheckpointStore} on EventStoreDB streams. */
export class EventStoreDbCheckpointStore implements CheckpointStore {
  private readonly naming: StreamNaming;
  private readonly maxCount: MaxCountKeeper;

  constructor(
    private readonly client: EventStoreDbClientPort,
    options: EventStoreDbCheckpointStoreOptions = {},
  ) {
    this.naming = streamNaming(options.streamPrefix ?? '');
    this.maxCount = new MaxCountKeeper(client, 1);
  }

  /** The stored position of `name`, or `undefined` before its first save. */
  async load(name: string): Promise<bigint | undefined> {
    assertValidName(name);
    return (await this.latest(name)).position;
  }

  /** Stores `position` as the checkpoint of `name`, unless the stored one is as high or higher. */
  async save(name: string, position: bigint): Promise<void> {
    assertValidName(name);
    if (typeof position !== 'bigint' || position < 0n) {
      throw new InvalidInputError(
        'invalid_position',
        `checkpoint position must be a bigint >= 0n, got ${describeValue(position)}`,
        [{ path: 'position', expected: 'bigint >= 0n', actual: position }],
      );
    }
    const streamName = this.naming.checkpointStreamName(name);
    await this.maxCount.ensure(streamName);
    const event = recordEvent(CHECKPOINT_EVENT_TYPE, { name, position: position.toString() });
    // Each conflict means another save landed: at most one round per concurrent saver.
    for (let attempt = 1; ; attempt++) {
      const { position: stored, revision } = await this.latest(name);
      if (stored !== undefined && stored >= position) return;
      try {
        await this.client.appendToStream(streamName, [event], { expectedRevision: revision ?? NO_STREAM });
        return;
      } catch (error) {
        if (isClientWrongExpectedVersion(error) && attempt < 50) continue;
        throw mapAppendError(error, streamName);
      }
    }
  }

  private async latest(name: string): Promise<{ position: bigint | undefined; revision: bigint | undefined }> {
    const [latest] = await readLatest(this.client, this.naming.checkpointStreamName(name), 1);
    if (latest?.event === undefined) return { position: undefined, revision: undefined };
    return { position: decodeCheckpoint(name, latest.event.data), revision: latest.event.revision };
  }
}
