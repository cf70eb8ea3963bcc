// What every port of the adapter runs on: `pg` result parsing, transactions, option checks and
// advisory lock classes (the relays' and runners' loop is the kernel's `createWorkerLoop`).
// Public surface of this folder.
export { ORDO_TYPES } from './pg-types';
export type { Queryable } from './transaction';
