export {
  DEFAULT_MAX_EVENT_BYTES,
  MAX_STREAM_ID_LENGTH,
  assertValidAppend,
  assertValidStreamId,
} from './append-validation';
export { findNonJsonValue, frozenJsonCopy } from './json-walk';
export type { AppendLimits } from './append-validation';
export { DEFAULT_SUBSCRIPTION_BATCH, catchUpSubscription } from './catch-up-subscription';
export type { CatchUpSource } from './catch-up-subscription';
export { narrowStore } from './event-store';
export type {
  AnyEvent,
  AppendOptions,
  AppendResult,
  EventStore,
  ReadAllOptions,
  ReadStreamOptions,
  SubscribeOptions,
  Subscription,
} from './event-store';
export { formatVersion, isExpectedVersion, satisfiesExpectedVersion, streamStateToBigint } from './expected-version';
export { INVALID_READ_OPTIONS, assertValidReadAllOptions, assertValidReadStreamOptions } from './read-options';
export type { ExpectedVersion, StreamState } from './expected-version';
export type { NewEvent, RecordedEvent } from './recorded-event';
export { WrongExpectedVersionError, isWrongExpectedVersionError } from './wrong-expected-version-error';
