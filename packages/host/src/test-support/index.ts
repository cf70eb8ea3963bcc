/** Test support of the host's specs (not part of the package's API). */
export { openHostTestDatabase } from './test-database';
export type { HostTestDatabase } from './test-database';
export { eventually, openShop, testOrder } from './shop';
export {
  brokenInvariants,
  checkMultiProcessRun,
  endedOrders,
  expectedNotificationIds,
  formatReasons,
  hostProcessEnv,
  openHostTestBroker,
  openScratchDir,
  readHostEffects,
  runHostProcess,
  sleep,
  startHostProcess,
  throttleOrders,
  waitForTerminalOrders,
} from './host-processes';
export type {
  HostEffects,
  HostProcess,
  HostProcessOptions,
  HostTestBroker,
  MultiProcessVerdict,
  ProcessExit,
} from './host-processes';
