/**
 * The composition root: `createInMemoryHost` wires the whole commerce system on the in-memory
 * adapters in a tsyringe container (`HostTokens` names every service) and answers a {@link Host}.
 */
export { HostTokens, provideService, resolveService } from './tokens';
export type { Token } from './tokens';
export type { CommerceCommand, ExecuteContext, ExecuteResult, Host, NewCustomer } from './host';
export { HostNotSettledError, HostStoppedError, HostWorkerError } from './host-errors';
export type { PendingWork } from './host-errors';
export { instantCarrier } from './host-options';
export type { InMemoryHostOptions } from './host-options';
export { createHostAudit, describeError } from './host-audit';
export type { HostAudit, RejectionRecord } from './host-audit';
export { createHostProjections, projectionRunners } from './host-projections';
export type { HostProjections } from './host-projections';
export {
  createConsoleNotificationSender,
  createRecordingNotificationSender,
  formatNotification,
} from './notification-senders';
export type { RecordingNotificationSender } from './notification-senders';
export { createIdlePump } from './idle-pump';
export type { IdleOptions, IdlePump, IdleReport } from './idle-pump';
export { HostConsumerGroups, registerInMemoryServices } from './in-memory-container';
export { createInMemoryHost } from './in-memory-host';
