import { randomUUID } from 'node:crypto';
import { BACKWARDS, END, type JSONType, type ResolvedEvent } from '@eventstore/db-client';
import { consumeRead, type EventStoreDbClientPort } from '../client/client-port';
import { isStreamNotFound } from './error-mapping';

/**
 * Helpers shared by the checkpoint and snapshot stores, which keep their records as JSON events
 * in streams of their own, with a `$maxCount` so that the server drops superseded records.
 */

/** The most recent events of a stream, newest first; `[]` when it does not exist. */
export const readLatest = async (
  client: EventStoreDbClientPort,
  streamName: string,
  maxCount: number,
): Promise<ResolvedEvent[]> => {
  const out: ResolvedEvent[] = [];
  try {
    await consumeRead(client.readStream(streamName, { direction: BACKWARDS, fromRevision: END, maxCount }), (e) => {
      out.push(e);
      return true;
    });
  } catch (error) {
    if (isStreamNotFound(error)) return [];
    throw error;
  }
  return out;
};

/** A JSON event with a fresh id (each record is a new fact; retries are harmless overwrites). */
export const recordEvent = (type: string, data: JSONType) => ({
  id: randomUUID(),
  contentType: 'application/json' as const,
  type,
  data,
  metadata: undefined,
});

/**
 * Sets `$maxCount` on a stream once per process: reads the stream metadata and writes it only
 * when it differs. Concurrent calls for one stream share the work.
 */
export class MaxCountKeeper {
  private readonly done = new Map<string, Promise<void>>();

  constructor(
    private readonly client: EventStoreDbClientPort,
    private readonly maxCount: number,
  ) {}

  ensure(streamName: string): Promise<void> {
    let pending = this.done.get(streamName);
    if (pending === undefined) {
      pending = this.apply(streamName);
      this.done.set(streamName, pending);
      // A failure is retried by the next call.
      pending.catch(() => this.done.delete(streamName));
    }
    return pending;
  }

  private async apply(streamName: string): Promise<void> {
    const current = await this.client.getStreamMetadata(streamName);
    if (current.metadata?.maxCount === this.maxCount) return;
    await this.client.setStreamMetadata(streamName, { ...current.metadata, maxCount: this.maxCount });
  }
}
