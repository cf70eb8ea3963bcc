/** The running host: role consumers and loops, health, shutdown. */
export { installShutdownHandlers } from './shutdown';
export type { ShutdownOptions } from './shutdown';
export type { DependencyHealth, HostHealth, StopOptions, StopReport, WorkerStatus } from './host-health';
export type { HostWorker } from './role-workers';
export { roleConsumers } from './role-consumers';
export type { RoleConsumer } from './role-consumers';
