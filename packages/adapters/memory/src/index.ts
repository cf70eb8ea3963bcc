/**
 * @ordo/adapter-memory: real in-memory implementations of every Ordo port, for tests,
 * simulations and single-process tools. One folder per port:
 *
 * - `event-store/`: {@link createInMemoryEventStore} (passes the kernel's conformance suite), with
 *   inline projections and an outbox written in the same step as the append.
 * - `projections/`: {@link createInlineProjection}, a pure projection the store keeps up to date.
 * - `checkpoints/`, `snapshots/`: {@link createInMemoryCheckpointStore}, {@link createInMemorySnapshotStore}.
 * - `outbox/`, `inbox/`, `messaging/`: {@link createInMemoryOutbox}, {@link createInMemoryInbox},
 *   {@link createInMemoryMessageBus}.
 * - `runtime/`: {@link createInMemoryScheduler} on an injectable clock, {@link createManualClock},
 *   {@link systemClock}, and {@link createSeededRandom} and {@link createSeededIdGenerator} for
 *   reproducible simulations.
 */
export { createInMemoryCheckpointStore } from './checkpoints';
export type { InMemoryCheckpointStore } from './checkpoints';
export { createInMemoryEventStore } from './event-store';
export type {
  InMemoryEventStore,
  InMemoryEventStoreOptions,
  InlineProjectionEntry,
  InlineProjectionHook,
} from './event-store';
export { createInMemoryInbox } from './inbox';
export type { InMemoryInbox } from './inbox';
export { createInMemoryMessageBus } from './messaging';
export type { DeadLetter, Delivery, InMemoryMessageBus, InMemoryMessageBusOptions } from './messaging';
export { createInMemoryOutbox } from './outbox';
export type { InMemoryOutbox, InMemoryOutboxOptions, OutboxEntry } from './outbox';
export { createInlineProjection } from './projections';
export type { InlineProjection } from './projections';
export {
  createInMemoryScheduler,
  createManualClock,
  createSeededIdGenerator,
  createSeededRandom,
  systemClock,
} from './runtime';
export type {
  InMemoryScheduler,
  InMemorySchedulerOptions,
  ManualClock,
  ScheduledMessage,
  SeededRandom,
} from './runtime';
export { createInMemorySnapshotStore } from './snapshots';
export type { InMemorySnapshotStore } from './snapshots';
