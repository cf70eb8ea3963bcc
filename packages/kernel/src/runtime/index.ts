export type { Clock } from './clock';
export type { IdGenerator } from './id-generator';
export type { Scheduler } from './scheduler';
