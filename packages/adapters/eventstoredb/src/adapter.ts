import { EventStoreDBClient } from '@eventstore/db-client';
import type { AnyEvent } from '@ordo/kernel';
import { EventStoreDbCheckpointStore } from './checkpoint-store';
import type { EventStoreDbClientPort } from './client-port';
import { EventStoreDbEventStore, type EventStoreDbEventStoreOptions } from './eventstoredb-event-store';
import { EventStoreDbSnapshotStore } from './snapshot-store';

/** Options of {@link createEventStoreDbAdapter}: a connection string or a client, plus store options. */
export type EventStoreDbAdapterOptions = EventStoreDbEventStoreOptions & {
  /** Snapshots kept per stream; defaults to 10. */
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
  readonly eventStore: EventStoreDbEventStore<E>;
  readonly checkpoints: EventStoreDbCheckpointStore;
  readonly snapshots: EventStoreDbSnapshotStore;
  readonly client: EventStoreDbClientPort;
  /** Closes live notifications and, when the adapter created the client, the client. */
  dispose(): Promise<void>;
}

/** Creates the event store, checkpoint store and snapshot store on one client and prefix. */
export const createEventStoreDbAdapter = <E extends AnyEvent = AnyEvent>(
  options: EventStoreDbAdapterOptions,
): EventStoreDbAdapter<E> => {
  const owned =
    options.client === undefined ? EventStoreDBClient.connectionString(options.connectionString) : undefined;
  const client: EventStoreDbClientPort = owned ?? (options.client as EventStoreDbClientPort);
  const prefix = options.streamPrefix === undefined ? {} : { streamPrefix: options.streamPrefix };
  const eventStore = new EventStoreDbEventStore<E>(client, options);
  return {
    eventStore,
    checkpoints: new EventStoreDbCheckpointStore(client, prefix),
    snapshots: new EventStoreDbSnapshotStore(client, {
      ...prefix,
      ...(options.snapshotsKept === undefined ? {} : { keep: options.snapshotsKept }),
    }),
    client,
    dispose: async () => {
      eventStore.close();
      await owned?.dispose();
    },
  };
};
