/**
 * The store ceiling of the host bench: PostgreSQL appends through `createPostgresEventStore` (the
 * postgres bench's Ordo peer: group commit, a pool of 10 like the host's), C writers each on its
 * own stream, one event per append, no version check. It bounds appends only: no outbox rows, no
 * consumers, no reads, no inbox, no read models, nothing else on the server.
 */
import { Recorder, runFor } from '../postgres/measure';
import { benchEvent, ordoPeer, type Peer } from '../postgres/peers';

export interface Ceiling {
  /** Appends for `seconds` from `writers` writers; answers events/s. */
  measure(seconds: number): Promise<number>;
  close(): Promise<void>;
}

export const openCeiling = async (url: string, writers: number): Promise<Ceiling> => {
  const peer: Peer = await ordoPeer(url, 'ceiling');
  let counter = 0;
  const step = (recorder: Recorder, writer: number) =>
    recorder.time(1, () => peer.append(`ceiling-${writer}`, [benchEvent(counter++)]));
  // Warm-up, not counted: the first appends compile the store's code and open the connections.
  await runFor(new Recorder(), 0.5, writers, step);
  return {
    measure: async (seconds) => {
      const recorder = new Recorder();
      const elapsed = await runFor(recorder, seconds, writers, step);
      return recorder.eventCount / elapsed;
    },
    close: () => peer.close(),
  };
};
