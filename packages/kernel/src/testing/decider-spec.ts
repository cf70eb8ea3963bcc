// API fixed by the lead; implementation owned by the testing-toolkit helper.
import type { Decider } from '../decider';
import type { DomainError } from '../errors';

/** Thrown when a decider spec does not hold; its message shows expected and actual. */
export class SpecFailure extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'SpecFailure';
  }
}

/** The `then` step of a given/when/then spec. */
export interface ThenStep<Ev, S> {
  /** Asserts the command is accepted with exactly these events (deep equality, in order). */
  then(expected: ReadonlyArray<Ev>): void;
  /** Asserts the command is rejected; with `code`, that the DomainError has that code (or matches the partial error). */
  thenRejects(expected?: string | Partial<DomainError>): void;
  /** Asserts on the state after the events of `given` and the command's events. */
  thenState(check: (state: S) => void): void;
}

/** Given/when/then for a decider; steps are synchronous and throw {@link SpecFailure}. */
export interface DeciderSpec<C, Ev, S> {
  given(events: ReadonlyArray<Ev>): { when(command: C): ThenStep<Ev, S> };
}

export declare const deciderSpec: <C, Ev, S>(decider: Decider<C, Ev, S>) => DeciderSpec<C, Ev, S>;
