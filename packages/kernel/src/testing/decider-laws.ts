// API fixed by the lead; implementation owned by the testing-toolkit helper.
import type * as fc from 'fast-check';
import type { Decider } from '../decider';

/** A user's invariant over every reachable state, stated in words. */
export interface StateInvariant<S> {
  /** The invariant in words, printed when it fails (e.g. "available stock is never negative"). */
  readonly description: string;
  readonly holds: (state: S) => boolean;
}

/** Options of {@link checkDeciderLaws}. */
export interface DeciderLawOptions<C, S> {
  /** Generates single commands; sequences are built from it. */
  readonly commands: fc.Arbitrary<C>;
  readonly invariants?: ReadonlyArray<StateInvariant<S>>;
  /** Deep equality of states; defaults to a structural comparison. */
  readonly equals?: (a: S, b: S) => boolean;
  readonly numRuns?: number;
  readonly maxCommands?: number;
  readonly seed?: number;
  /** Laws to skip, by name, with a reason (shown in the report). */
  readonly skip?: Partial<Record<DeciderLawName, string>>;
}

/** The laws a decider must satisfy. */
export type DeciderLawName =
  | 'decide is deterministic'
  | 'a rejected command yields no events'
  | 'folding all accepted events equals the state tracked step by step'
  | 'invariants hold in every reachable state'
  | 'terminal states accept nothing';

/** One law's outcome. */
export interface LawResult {
  readonly law: DeciderLawName;
  readonly ok: boolean;
  readonly skipped?: string;
  /** On failure: the shrunk command sequence, the seed and the path, for replay. */
  readonly counterexample?: string;
}

/** Thrown by {@link checkDeciderLaws} when a law fails; the message prints the shrunk command sequence. */
export class LawViolation extends Error {
  constructor(
    message: string,
    readonly results: ReadonlyArray<LawResult>,
  ) {
    super(message);
    this.name = 'LawViolation';
  }
}

/** Runs every law and answers each result without throwing. */
export declare const deciderLawResults: <C, Ev, S>(
  decider: Decider<C, Ev, S>,
  options: DeciderLawOptions<C, S>,
) => ReadonlyArray<LawResult>;

/** Runs every law; throws {@link LawViolation} naming the failing laws and their shrunk command sequences. */
export declare const checkDeciderLaws: <C, Ev, S>(decider: Decider<C, Ev, S>, options: DeciderLawOptions<C, S>) => void;
