/**
 * @ordo/kernel: a pure event-sourcing core. Deciders, projections and sagas as pure functions;
 * ports for stores and messaging; the command handler that ties a decider to a store.
 * No I/O, no clock, no randomness: time and ids come in through commands or injected ports.
 *
 * One folder per port or concept (see docs/architecture.md): `model` (messages, errors,
 * validation, metadata), `decider` (deciders and the command handler), `event-store`,
 * `snapshots`, `upcasting`, `projections`, `sagas`, `messaging`, `runtime`. What only adapter
 * authors need is on the `@ordo/kernel/adapter-kit` subpath; the test toolkit on
 * `@ordo/kernel/testing`.
 */
export {
  EventMetadataCodec,
  InvalidInputError,
  OrdoError,
  causedBy,
  decodeWith,
  defineMessages,
  describeValue,
  domainError,
  invalidOptionError,
  isInvalidInputError,
  toValidationIssues,
  validationError,
} from './model';
export type {
  ConcurrencyConflict,
  DomainError,
  EventMetadata,
  Message,
  MessageOf,
  MessageShapes,
  MessageUnion,
  OrdoFailure,
  UnionOf,
  ValidationError,
  ValidationIssue,
} from './model';
export {
  DEFAULT_MAX_RETRIES,
  accept,
  adaptDecider,
  combineDeciders,
  createCommandHandler,
  createLruStateCache,
  createStreamQueue,
  decideAndEvolve,
  fold,
  isIsoDateTime,
  jitteredBackoff,
  metadataFor,
  noBackoff,
  reject,
  runCommands,
} from './decider';
export type {
  CachedState,
  CommandContext,
  CommandFailure,
  CommandHandler,
  CommandHandlerConfig,
  CommandOf,
  CommandResult,
  CommandSuccess,
  ConflictBackoff,
  Decider,
  EventOf,
  JitteredBackoffOptions,
  SnapshotSettings,
  StateCache,
  StateOf,
  StreamQueue,
  UntrustedCommandHandler,
} from './decider';
export { WrongExpectedVersionError, isWrongExpectedVersionError, narrowStore } from './event-store';
export type {
  AnyEvent,
  AppendOptions,
  AppendResult,
  EventStore,
  ExpectedVersion,
  NewEvent,
  ReadAllOptions,
  ReadStreamOptions,
  RecordedEvent,
  StreamState,
  SubscribeOptions,
  Subscription,
} from './event-store';
export { everyNEvents, neverSnapshot } from './snapshots';
export type { Snapshot, SnapshotPolicy, SnapshotStore } from './snapshots';
export { createUpcasters, withUpcasting } from './upcasting';
export type { Upcaster, Upcasters } from './upcasting';
export { rebuildProjection } from './projections';
export type { CheckpointStore, ProjectedState, Projection, ProjectionHandler } from './projections';
export { compensateInReverse, sagaActions, sagaStreamId } from './sagas';
export type { ProcessManager, SagaAction } from './sagas';
export {
  hasHandleBatch,
  messageHeaders,
  messagesByRouting,
  relayOnce,
  routeByCategory,
  streamCategory,
} from './messaging';
export type {
  BatchInbox,
  Inbox,
  InboxBatchResult,
  InboxResult,
  IncomingMessage,
  MessageConsumer,
  Outbox,
  OutboxMapping,
  OutboxMessage,
  OutboxRouting,
  OutgoingMessage,
  Publisher,
} from './messaging';
export { createLogRelay, createOutboxRelay } from './messaging';
export type {
  LogRelay,
  LogRelayHealth,
  LogRelayOptions,
  OutboxRelay,
  OutboxRelayHealth,
  OutboxRelayOptions,
  RelayLoopOptions,
} from './messaging';
export type { Clock, IdGenerator, Scheduler } from './runtime';
export { backoffDelay, createWorkerLoop, wait } from './runtime';
export type { BackoffPolicy, Wait, WorkerHealth, WorkerLoop, WorkerLoopOptions } from './runtime';
