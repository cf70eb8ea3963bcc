import * as E from 'fp-ts/Either';
import { type Decider, fold } from '../decider/decider';
import type { DomainError } from '../model/errors';
import { showValue, structuralEquals } from './structural';

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

/**
 * Given/when/then specifications for a decider: `given` events are folded from the initial
 * state, `when` decides the command in that state, and the `then` step compares the outcome by
 * structural equality. A failing step throws {@link SpecFailure} showing expected and actual.
 *
 * ```ts
 * const spec = deciderSpec(account);
 * spec.given([{ type: 'Opened' }]).when({ type: 'Deposit', amount: 5 }).then([{ type: 'Deposited', amount: 5 }]);
 * spec.given([]).when({ type: 'Deposit', amount: 5 }).thenRejects('not_open');
 * ```
 */
export const deciderSpec = <C, Ev, S>(decider: Decider<C, Ev, S>): DeciderSpec<C, Ev, S> => ({
  given: (given) => ({
    when: (command) => {
      const state = fold(decider, given);
      const outcome = decider.decide(command, state);
      const scenario = `given ${showValue(given)}\nwhen ${showValue(command)}`;
      const fail = (lines: ReadonlyArray<string>): never => {
        throw new SpecFailure([scenario, ...lines].join('\n'));
      };
      return {
        then: (expected) => {
          if (E.isLeft(outcome)) {
            fail([`expected events: ${showValue(expected)}`, `actual: rejected with ${showError(outcome.left)}`]);
          } else if (!structuralEquals(outcome.right, expected)) {
            fail([
              `expected events: ${showValue(expected)}`,
              `actual events:   ${showValue(outcome.right)}`,
              ...firstDifference(expected, outcome.right),
            ]);
          }
        },
        thenRejects: (expected) => {
          const wanted = typeof expected === 'string' ? { code: expected } : expected;
          const describe = wanted === undefined ? 'a rejection' : `a rejection matching ${showValue(wanted)}`;
          if (E.isRight(outcome)) {
            fail([`expected: ${describe}`, `actual: accepted with events ${showValue(outcome.right)}`]);
          } else if (wanted !== undefined) {
            const mismatched = (Object.keys(wanted) as Array<keyof DomainError>).filter(
              (k) => !structuralEquals(outcome.left[k], wanted[k]),
            );
            if (mismatched.length > 0) {
              fail([
                `expected: ${describe}`,
                `actual: rejected with ${showError(outcome.left)}`,
                `differs in: ${mismatched.join(', ')}`,
              ]);
            }
          }
        },
        thenState: (check) => {
          if (E.isLeft(outcome)) {
            fail(['expected the command to be accepted', `actual: rejected with ${showError(outcome.left)}`]);
          } else {
            check(fold(decider, outcome.right, state));
          }
        },
      };
    },
  }),
});

const showError = (error: DomainError): string => showValue(error);

/** Names the first index where two event lists differ, to point the reader at it. */
const firstDifference = (expected: ReadonlyArray<unknown>, actual: ReadonlyArray<unknown>): string[] => {
  const n = Math.max(expected.length, actual.length);
  for (let i = 0; i < n; i++) {
    if (!structuralEquals(expected[i], actual[i])) {
      const show = (list: ReadonlyArray<unknown>) => (i < list.length ? showValue(list[i]) : '(no event)');
      return [`first difference at index ${i}: expected ${show(expected)}, got ${show(actual)}`];
    }
  }
  return [];
};
