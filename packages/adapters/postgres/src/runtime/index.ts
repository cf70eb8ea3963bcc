// What every port of the adapter runs on: `pg` result parsing, transactions, the worker loop of
// relays and runners, option checks and advisory lock classes. Public surface of this folder.
export { ORDO_TYPES } from './pg-types';
export type { Queryable } from './transaction';
export type { Worker } from './worker-loop';
