/** Delivers a message at or after a due time, unless cancelled. */
export interface Scheduler<M> {
  schedule(id: string, message: M, dueAt: Date): Promise<void>;
  cancel(id: string): Promise<void>;
  /** Removes and answers the messages due at `now`, oldest first. */
  takeDue(now: Date): Promise<ReadonlyArray<{ readonly id: string; readonly message: M; readonly dueAt: Date }>>;
}
