export { assertValidInboxBatch, assertValidInboxKey, hasHandleBatch } from './inbox';
export type { BatchInbox, Inbox, InboxBatchResult, InboxResult } from './inbox';
export type { IncomingMessage, MessageConsumer } from './message-consumer';
export type { Outbox } from './outbox';
export {
  messageHeaders,
  messagesByRouting,
  routeByCategory,
  streamCategory,
  toOutboxMessage,
} from './outgoing-message';
export type { OutboxMapping, OutboxMessage, OutboxRouting, OutgoingMessage } from './outgoing-message';
export type { Publisher } from './publisher';
export { relayOnce } from './relay-once';
export { createOutboxRelay } from './outbox-relay';
export type { OutboxRelay, OutboxRelayHealth, OutboxRelayOptions, RelayLoopOptions } from './outbox-relay';
export { createLogRelay } from './log-relay';
export type { LogRelay, LogRelayHealth, LogRelayOptions } from './log-relay';
