import { type Clock, InvalidInputError, type Scheduler } from '@ordo/kernel';
import { systemClock } from './system-clock';

/** A scheduled message. */
export interface ScheduledMessage<M> {
  readonly id: string;
  readonly message: M;
  readonly dueAt: Date;
}

/** Options of {@link createInMemoryScheduler}. */
export interface InMemorySchedulerOptions {
  /** The clock {@link InMemoryScheduler.takeDueNow} reads; inject a manual clock in tests. */
  readonly clock?: Clock;
}

/** An in-memory {@link Scheduler} on an injectable clock. */
export interface InMemoryScheduler<M> extends Scheduler<M> {
  /** `takeDue` at the clock's current time. */
  takeDueNow(): Promise<ReadonlyArray<ScheduledMessage<M>>>;
  /** Every scheduled message, oldest due first, without removing any. */
  pending(): ReadonlyArray<ScheduledMessage<M>>;
  /** When the next message falls due, if any (a driver can sleep until then). */
  nextDueAt(): Date | undefined;
}

interface Entry<M> {
  readonly id: string;
  readonly message: M;
  readonly dueAtMs: number;
  /** Tie-breaker: messages due at the same time come out in the order they were scheduled. */
  readonly seq: number;
}

const toTime = (value: unknown, path: string): number => {
  const ms = value instanceof Date ? value.getTime() : NaN;
  if (!Number.isFinite(ms)) {
    throw new InvalidInputError('invalid_time', `${path} must be a valid Date`, [
      { path, expected: 'valid Date', actual: value },
    ]);
  }
  return ms;
};

const byDue = <M>(a: Entry<M>, b: Entry<M>) => a.dueAtMs - b.dueAtMs || a.seq - b.seq;

const toScheduled = <M>(e: Entry<M>): ScheduledMessage<M> => ({
  id: e.id,
  message: e.message,
  dueAt: new Date(e.dueAtMs),
});

/**
 * Creates an in-memory scheduler. Scheduling an id that is already pending replaces it (a saga
 * that re-arms its timeout keeps one); cancelling an unknown id does nothing. `takeDue(now)`
 * removes and answers everything due at or before `now`, oldest first, ties in scheduling order.
 */
export const createInMemoryScheduler = <M>(options: InMemorySchedulerOptions = {}): InMemoryScheduler<M> => {
  const clock = options.clock ?? systemClock;
  const entries = new Map<string, Entry<M>>();
  let seq = 0;

  const takeDue = async (now: Date): Promise<ReadonlyArray<ScheduledMessage<M>>> => {
    const nowMs = toTime(now, 'now');
    const due = [...entries.values()].filter((e) => e.dueAtMs <= nowMs).sort(byDue);
    for (const e of due) entries.delete(e.id);
    return due.map(toScheduled);
  };

  return {
    schedule: async (id, message, dueAt) => {
      if (typeof id !== 'string' || id.length === 0) {
        throw new InvalidInputError('invalid_schedule', 'a scheduled message needs a non-empty id', [
          { path: 'id', expected: 'non-empty string', actual: id },
        ]);
      }
      const dueAtMs = toTime(dueAt, 'dueAt');
      entries.delete(id);
      entries.set(id, { id, message, dueAtMs, seq: seq++ });
    },
    cancel: async (id) => {
      entries.delete(id);
    },
    takeDue,
    takeDueNow: () => takeDue(clock.now()),
    pending: () => [...entries.values()].sort(byDue).map(toScheduled),
    nextDueAt: () => {
      let next: number | undefined;
      for (const e of entries.values()) if (next === undefined || e.dueAtMs < next) next = e.dueAtMs;
      return next === undefined ? undefined : new Date(next);
    },
  };
};
