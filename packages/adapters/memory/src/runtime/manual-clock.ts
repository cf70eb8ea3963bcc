import { type Clock, InvalidInputError } from '@ordo/kernel';

/** A {@link Clock} that only moves when told to: for schedulers, leases and timeouts in tests. */
export interface ManualClock extends Clock {
  /** A fresh `Date` of the current time (callers may mutate it freely). */
  now(): Date;
  /** The current time in epoch milliseconds. */
  nowMs(): number;
  /** Jumps to a time (backwards too, to test clock skew). */
  set(to: Date | string | number): void;
  /** Moves forward by `ms` milliseconds (>= 0). */
  advance(ms: number): void;
}

const toMs = (value: Date | string | number, what: string): number => {
  const ms = value instanceof Date ? value.getTime() : typeof value === 'string' ? Date.parse(value) : value;
  if (typeof ms !== 'number' || !Number.isFinite(ms)) {
    throw new InvalidInputError('invalid_time', `${what} is not a valid time: ${String(value)}`, [
      { path: what, expected: 'Date, ISO-8601 string or epoch milliseconds', actual: value },
    ]);
  }
  return ms;
};

/** Creates a {@link ManualClock}, by default at 2024-01-01T00:00:00.000Z. */
export const createManualClock = (start: Date | string | number = '2024-01-01T00:00:00.000Z'): ManualClock => {
  let current = toMs(start, 'start');
  return {
    now: () => new Date(current),
    nowMs: () => current,
    set: (to) => {
      current = toMs(to, 'time');
    },
    advance: (ms) => {
      if (!Number.isFinite(ms) || ms < 0) {
        throw new InvalidInputError('invalid_duration', `advance() needs a finite duration >= 0, got ${ms}`, [
          { path: 'ms', expected: 'finite number >= 0', actual: ms },
        ]);
      }
      current += ms;
    },
  };
};
