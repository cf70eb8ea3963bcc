import { invalidOptionError } from '@ordo/kernel';
import { EventStoreDBClient } from '@eventstore/db-client';
import type { AnyEvent } from '@ordo/kernel';
import { EventStoreDbCheckpointStore } from '../checkpoints/eventstoredb-checkpoint-store';
import { EventStoreDbEventStore, type EventStoreDbEventStoreOptions } from '../event-store/eventstoredb-event-store';
import { integerOption } from '../option-checks';
import { EventStoreDbSnapshotStore } from '../snapshots/eventstoredb-snapshot-store';
import type { EventStoreDbClientPort } from './client-port';

/** Options of {@link createEventStoreDbAdapter}: a connection string or a client, plus store options. */
export type EventStoreDbAdapterOptions = EventStoreDbEventStoreOptions & {
  /** Snapshots kept per stream (the snapshot store's `keep`); an integer >= 1, defaults to 10. */
  readonly snapshotsKept?: number;
} & (
    | {
        /** E.g. `esdb://localhost:2113?tls=false`; the adapter creates the client and disposes it. */
        readonly connectionString: string;
        readonly client?: undefined;
      }
    | {
        /** A client you own (the adapter never disposes it). */
        readonly client: EventStoreDbClientPort;
        readonly connectionString?: undefined;
      }
  );

/** Everything a host needs to run on EventStoreDB alone. */
export interface EventStoreDbAdapter<E extends AnyEvent = AnyEvent> {
  /** The kernel's `EventStore` port, subscriptions included. */
  readonly eventStore: EventStoreDbEventStore<E>;
  /** The kernel's `CheckpointStore` port, under the same stream prefix. */
  readonly checkpoints: EventStoreDbCheckpointStore;
  /** The kernel's `SnapshotStore` port, under the same stream prefix. */
  readonly snapshots: EventStoreDbSnapshotStore;
  /** The client all three use (the one passed in, or the one created from the connection string). */
  readonly client: EventStoreDbClientPort;
  /** Closes live notifications and, when the adapter created the client, the client. */
  dispose(): Promise<void>;
}

/** Default of {@link EventStoreDbAdapterOptions.snapshotsKept}. */
const DEFAULT_SNAPSHOTS_KEPT = 10;

/** The client the adapter creates from a connection string; a malformed one is a bad option. */
const connect = (connectionString: unknown): EventStoreDBClient => {
  if (typeof connectionString !== 'string') {
    throw invalidOptionError('connectionString', 'an esdb:// connection string (or pass client)', connectionString);
  }
  try {
    return EventStoreDBClient.connectionString(connectionString);
  } catch (error) {
    throw invalidOptionError(
      'connectionString',
      'an esdb:// connection string',
      connectionString,
      error instanceof Error ? error.message.split('\n')[0] : String(error),
    );
  }
};

/**
 * Creates the event store, checkpoint store and snapshot store on one client and stream prefix.
 * A bad option throws the kernel's `InvalidInputError` with code `invalid_options` and an issue
 * naming the option (`connectionString`, `snapshotsKept`, `subscriptions.pollIntervalMs`, ...).
 */
export const createEventStoreDbAdapter = <E extends AnyEvent = AnyEvent>(
  options: EventStoreDbAdapterOptions,
): EventStoreDbAdapter<E> => {
  if (typeof options !== 'object' || options === null) throw invalidOptionError('options', 'an object', options);
  const given: unknown = options.client;
  if (given !== undefined && (typeof given !== 'object' || given === null)) {
    throw invalidOptionError('client', 'an EventStoreDB client', given);
  }
  const keep = integerOption('snapshotsKept', options.snapshotsKept, DEFAULT_SNAPSHOTS_KEPT);
  const owned = options.client === undefined ? connect(options.connectionString) : undefined;
  const client: EventStoreDbClientPort = owned ?? (options.client as EventStoreDbClientPort);
  const prefix = options.streamPrefix === undefined ? {} : { streamPrefix: options.streamPrefix };
  let eventStore: EventStoreDbEventStore<E>;
  try {
    eventStore = new EventStoreDbEventStore<E>(client, options);
  } catch (error) {
    // A bad store option: the client the adapter made is its own to dispose.
    void owned?.dispose().catch(() => undefined);
    throw error;
  }
  return {
    eventStore,
    checkpoints: new EventStoreDbCheckpointStore(client, prefix),
    snapshots: new EventStoreDbSnapshotStore(client, { ...prefix, keep }),
    client,
    dispose: async () => {
      eventStore.close();
      await owned?.dispose();
    },
  };
};
