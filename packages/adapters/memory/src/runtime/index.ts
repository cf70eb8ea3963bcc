export { createInMemoryScheduler } from './in-memory-scheduler';
export type { InMemoryScheduler, InMemorySchedulerOptions, ScheduledMessage } from './in-memory-scheduler';
export { createManualClock } from './manual-clock';
export type { ManualClock } from './manual-clock';
export { createSeededIdGenerator } from './seeded-id-generator';
export { createSeededRandom } from './seeded-random';
export type { SeededRandom } from './seeded-random';
export { systemClock } from './system-clock';
