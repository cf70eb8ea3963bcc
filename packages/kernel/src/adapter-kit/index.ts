/**
 * @ordo/kernel/adapter-kit: what adapter authors need and application code does not: the one
 * append validation, the one read-options rule, expected-version arithmetic, the catch-up
 * subscription loop, the steps of projection runners, and how an outbox message is built from a
 * recorded event, the inbox's input checks. Every adapter of a port builds on these, so the same input gets the same
 * verdict from each.
 */
export {
  DEFAULT_MAX_EVENT_BYTES,
  DEFAULT_SUBSCRIPTION_BATCH,
  INVALID_READ_OPTIONS,
  MAX_STREAM_ID_LENGTH,
  assertValidAppend,
  assertValidReadAllOptions,
  assertValidReadStreamOptions,
  assertValidStreamId,
  catchUpSubscription,
  findNonJsonValue,
  formatVersion,
  frozenJsonCopy,
  isExpectedVersion,
  satisfiesExpectedVersion,
  streamStateToBigint,
} from '../event-store';
export type { AppendLimits, CatchUpSource } from '../event-store';
export {
  initialProjected,
  projectBatch,
  projectionAsHandler,
  projectionHandles,
  runProjectionBatch,
} from '../projections';
export type { AsyncProjectionStep } from '../projections';
export { assertValidInboxBatch, assertValidInboxKey, messageHeaders, toOutboxMessage } from '../messaging';
