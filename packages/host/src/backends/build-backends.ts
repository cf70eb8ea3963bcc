import type { ResolvedHostConfig } from '../composition/host-config';
import type { HostConfig } from '../composition/host-options';
import { eventStoreDbStore } from './eventstoredb-store';
import { kafkaMessaging } from './kafka-messaging';
import { memoryMessaging } from './memory-messaging';
import { memoryStore } from './memory-store';
import type { MessagingBackend } from './messaging-backend';
import { postgresStore } from './postgres-store';
import type { StoreBackend, StoreBackendContext } from './store-backend';

/** Builds the store backend a validated configuration names (PostgreSQL migrates first). */
export const buildStore = async (config: ResolvedHostConfig, context: StoreBackendContext): Promise<StoreBackend> => {
  const s = config.store;
  switch (s.kind) {
    case 'memory':
      return memoryStore(context, s.relay === undefined ? {} : { relay: s.relay });
    case 'postgres':
      return postgresStore(context, {
        ...(s.connectionString === undefined ? {} : { connectionString: s.connectionString }),
        ...(s.pool === undefined ? {} : { pool: s.pool }),
        ...(s.schema === undefined ? {} : { schema: s.schema }),
        ...(s.maxConnections === undefined ? {} : { maxConnections: s.maxConnections }),
        ...(s.migrate === undefined ? {} : { migrate: s.migrate }),
      });
    case 'eventstoredb':
      return eventStoreDbStore(context, s.connectionString);
  }
};

/** Builds the messaging backend a validated configuration names (the simulation may bring its own bus). */
export const buildMessaging = (
  config: ResolvedHostConfig,
  options: HostConfig,
  onDeadLetter: (line: string) => void,
): MessagingBackend => {
  const m = config.messaging;
  if (m.kind === 'memory') {
    return memoryMessaging({
      ...(options.simulation?.bus === undefined ? {} : { bus: options.simulation.bus }),
      onDeadLetter,
    });
  }
  return kafkaMessaging({
    brokers: m.brokers,
    clientId: m.clientId ?? `ordo-host-${config.instanceId}`,
    partitions: m.partitions ?? 8,
    concurrency: m.concurrency ?? 4,
    groupPrefix: m.topicPrefix ?? 'ordo.',
    onDeadLetter,
  });
};
