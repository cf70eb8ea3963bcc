/**
 * @ordo/adapter-eventstoredb: Ordo's event store, checkpoint store and snapshot store on
 * EventStoreDB / KurrentDB through the official `@eventstore/db-client`.
 */
export * from './adapter';
export * from './eventstoredb-event-store';
export * from './checkpoint-store';
export * from './snapshot-store';
export * from './client-port';
export * from './subscription';
export * from './backoff';
export * from './stream-naming';
export * from './event-id';
export * from './expected-version-mapping';
export * from './position-mapping';
export * from './error-mapping';
export * from './metadata-encoding';
export * from './event-mapping';
export * from './read-options';
export * from './append-plan';
export * from './conformance-gaps';
