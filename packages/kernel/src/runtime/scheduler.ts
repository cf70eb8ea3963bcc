/**
 * Delivers a message at or after a due time, unless cancelled. Every adapter passes
 * `schedulerConformance` from `@ordo/kernel/testing`.
 */
export interface Scheduler<M> {
  /** Schedules `message` under `id`; an id already pending is replaced (its message and due time). */
  schedule(id: string, message: M, dueAt: Date): Promise<void>;
  /** Forgets a pending message; an unknown or already taken id is ignored. */
  cancel(id: string): Promise<void>;
  /** Removes and answers the messages due at `now` (due at or before it), oldest first. */
  takeDue(now: Date): Promise<ReadonlyArray<{ readonly id: string; readonly message: M; readonly dueAt: Date }>>;
}
