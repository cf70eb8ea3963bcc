/** Test support of the host's specs (not part of the package's API). */
export { openHostTestDatabase } from './test-database';
export type { HostTestDatabase } from './test-database';
export { eventually, openShop, testOrder } from './shop';
