export type { Clock } from './clock';
export type { IdGenerator } from './id-generator';
export type { Scheduler } from './scheduler';
export { backoffDelay } from './backoff';
export type { BackoffPolicy } from './backoff';
export { wait } from './wait';
export type { Wait } from './wait';
export { createWorkerLoop } from './worker-loop';
export type { WorkerHealth, WorkerLoop, WorkerLoopOptions } from './worker-loop';
