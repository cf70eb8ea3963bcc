/**
 * @ordo/kernel/testing: the toolkit users test their own domains with.
 * - `deciderSpec(decider).given(events).when(command).then(events)` / `.thenRejects(code)`
 * - `checkDeciderLaws(decider, options)`: property laws over generated command sequences
 * - one conformance suite per port, the one every adapter of that port passes:
 *   `eventStoreConformance`, `outboxConformance`, `snapshotStoreConformance`,
 *   `checkpointStoreConformance`, `inboxConformance`, `schedulerConformance`,
 *   `messageConsumerConformance` (each with its cases as `...ConformanceCases`)
 */
export { SpecFailure, deciderSpec } from './decider-spec';
export type { DeciderSpec, ThenStep } from './decider-spec';
export {
  DEFAULT_LAW_RUNS,
  DEFAULT_MAX_COMMANDS,
  LAW_DISTINCT_STATES_CAP,
  LawViolation,
  checkDeciderLaws,
  deciderLawNames,
  deciderLawProperty,
  deciderLawResults,
  deepCopy,
  showValue,
  structuralEquals,
} from './decider-laws';
export type {
  DeciderLawName,
  DeciderLawOptions,
  LawInput,
  LawResult,
  StateInvariant,
  TransitionInvariant,
} from './decider-laws';
export {
  ConformanceFailure,
  checkpointStoreConformance,
  checkpointStoreConformanceCases,
  eventStoreConformance,
  eventStoreConformanceCases,
  inboxConformance,
  inboxConformanceCases,
  messageConsumerConformance,
  messageConsumerConformanceCases,
  outboxConformance,
  outboxConformanceCases,
  schedulerConformance,
  schedulerConformanceCases,
  snapshotStoreConformance,
  snapshotStoreConformanceCases,
} from './conformance';
export type {
  CheckpointStoreConformanceCase,
  CheckpointStoreConformanceFactory,
  CommitHold,
  ConformanceCase,
  ConformanceFactory,
  ConformanceSuiteCase,
  InboxConformanceCase,
  InboxConformanceFactory,
  MessageConsumerConformanceCase,
  MessageConsumerConformanceFactory,
  MessageConsumerConformanceSetup,
  OutboxConformanceCase,
  OutboxConformanceFactory,
  SchedulerConformanceCase,
  SchedulerConformanceFactory,
  SnapshotStoreConformanceCase,
  SnapshotStoreConformanceFactory,
  TestRegistrar,
  UnsupportedCases,
} from './conformance';
