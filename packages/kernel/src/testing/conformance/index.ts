/**
 * One conformance suite per port, each `xConformance(test, factory)` plus its cases as
 * `xConformanceCases`, all registered the same way (`shared/registrar.ts`): any framework that
 * accepts `(name, async fn)`, cases an adapter cannot support named in `factory.unsupported` with
 * the reason (an unknown name is an error), failures thrown as {@link ConformanceFailure}.
 */
export { ConformanceFailure } from './shared/assert';
export type { ConformanceSuiteCase, TestRegistrar, UnsupportedCases } from './shared/registrar';
export { eventStoreConformance, eventStoreConformanceCases } from './event-store';
export type { CommitHold, ConformanceCase, ConformanceFactory } from './event-store';
export { outboxConformance, outboxConformanceCases } from './outbox';
export type { OutboxConformanceCase, OutboxConformanceFactory } from './outbox';
export { snapshotStoreConformance, snapshotStoreConformanceCases } from './snapshot-store';
export type { SnapshotStoreConformanceCase, SnapshotStoreConformanceFactory } from './snapshot-store';
export { checkpointStoreConformance, checkpointStoreConformanceCases } from './checkpoint-store';
export type { CheckpointStoreConformanceCase, CheckpointStoreConformanceFactory } from './checkpoint-store';
export { inboxConformance, inboxConformanceCases } from './inbox';
export type { InboxConformanceCase, InboxConformanceFactory } from './inbox';
export { schedulerConformance, schedulerConformanceCases } from './scheduler';
export type { SchedulerConformanceCase, SchedulerConformanceFactory } from './scheduler';
export { messageConsumerConformance, messageConsumerConformanceCases } from './message-consumer';
export type {
  MessageConsumerConformanceCase,
  MessageConsumerConformanceFactory,
  MessageConsumerConformanceSetup,
} from './message-consumer';
