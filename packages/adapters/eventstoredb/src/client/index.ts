// The client: the part of `EventStoreDBClient` the adapter calls, and the factory that puts the
// three stores on one client. Public surface of this folder (re-exported by the package entry).
export { createEventStoreDbAdapter } from './eventstoredb-adapter';
export type { EventStoreDbAdapter, EventStoreDbAdapterOptions } from './eventstoredb-adapter';
export type { ClientRead, ClientSubscription, EventStoreDbClientPort } from './client-port';
