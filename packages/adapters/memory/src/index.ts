/**
 * @ordo/adapter-memory: real in-memory implementations of every Ordo port, for tests,
 * simulations and single-process tools.
 *
 * - {@link createInMemoryEventStore}: the event store (passes the kernel's conformance suite), with
 *   inline projections and an outbox written in the same step as the append.
 * - {@link createInMemoryCheckpointStore}, {@link createInMemorySnapshotStore}.
 * - {@link createInMemoryOutbox}, {@link createInMemoryInbox}, {@link createInMemoryMessageBus}.
 * - {@link createInMemoryScheduler} on an injectable clock, {@link createManualClock}.
 * - {@link createSeededRandom} and {@link createSeededIdGenerator} for reproducible simulations.
 */
export * from './frozen-copy';
export * from './seeded-random';
export * from './manual-clock';
export * from './inline-projection';
export * from './in-memory-outbox';
export * from './in-memory-event-store';
export * from './in-memory-checkpoint-store';
export * from './in-memory-snapshot-store';
export * from './in-memory-inbox';
export * from './in-memory-message-bus';
export * from './in-memory-scheduler';
