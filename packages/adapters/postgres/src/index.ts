/**
 * @ordo/adapter-postgres: Ordo's ports on PostgreSQL through `pg`. The event store writes with
 * group commit and keeps a gap-free global order; the schema is created and upgraded by versioned
 * migrations (`migrate`), which other modules extend from version 100 up.
 */
export * from './schema-name';
export * from './locks';
export * from './migrations';
export * from './migrate';
export * from './pg-types';
export * from './storable-text';
export * from './append-request';
export * from './append-statement';
export * from './group-commit';
export * from './append-notifications';
export * from './postgres-event-store';
export * from './extras';
export * from './projections/json-document-projection';
