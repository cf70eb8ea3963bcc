/**
 * The composition root: `createHost` wires the whole commerce system on the configured backends
 * in a tsyringe container (`HostTokens` names every service) and answers a {@link Host};
 * `createInMemoryHost` is its in-memory preset.
 */
export { createHost } from './create-host';
export { DEFAULT_RUNTIME_SETTINGS, HOST_ROLES, HostConfigError, validateHostConfig } from './host-config';
export type {
  HostConfigInput,
  HostRole,
  MessagingConfig,
  ResolvedHostConfig,
  RuntimeSettings,
  StoreConfig,
} from './host-config';
export { registerHostServices } from './host-services';
export type { HostFoundation } from './host-services';
export { HostTokens, provideService, resolveService } from './tokens';
export type { Token } from './tokens';
export type { CommerceCommand, ExecuteContext, ExecuteResult, Host, NewCustomer } from './host';
export { HostNotSettledError, HostStoppedError, HostWorkerError } from './host-errors';
export type { PendingWork } from './host-errors';
export { instantCarrier } from './host-options';
export type { HostConfig, HostServiceOptions, HostSimulationHooks, InMemoryHostOptions } from './host-options';
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
export { createInMemoryHost } from './in-memory-host';
