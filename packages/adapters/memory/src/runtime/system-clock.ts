import type { Clock } from '@ordo/kernel';

/** The real time, for production wiring (the default clock of the outbox and the scheduler). */
export const systemClock: Clock = { now: () => new Date() };
