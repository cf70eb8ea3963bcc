/**
 * A host on a configured store that runs nothing: what `verify` and `projections rebuild` read and
 * write through (the store port, the read models, the inbox, the outbox's count), without a
 * worker of its own moving anything meanwhile.
 */
import { createHost } from '../composition/create-host';
import { HostConfigError, type StoreConfig } from '../composition/host-config';
import type { Host } from '../composition/host';
import { usageErrorOf } from './backend-flags';

/**
 * Opens the store through `createHost` with in-memory messaging and `run: 'manual'`: every
 * service is wired, no consumer, loop or relay runs. PostgreSQL is not migrated here (a missing
 * schema is an error that says to run `ordo migrate`). Stop it with `host.stop()`.
 */
export const openStoreHost = async (store: StoreConfig): Promise<Host> => {
  try {
    return await createHost({
      store: store.kind === 'postgres' ? { ...store, migrate: false, maxConnections: 4 } : store,
      messaging: 'memory',
      run: 'manual',
    });
  } catch (error) {
    if (error instanceof HostConfigError) throw usageErrorOf(error);
    throw error;
  }
};

/** The error's message, with a hint when the PostgreSQL schema is missing. */
export const describeStoreError = (error: unknown): string => {
  const message = error instanceof Error ? error.message : String(error);
  return /relation .* does not exist/.test(message) ? `${message} (is the schema migrated? run ordo migrate)` : message;
};
