import * as fc from 'fast-check';
import * as E from 'fp-ts/Either';
import { type Decider, fold } from '../decider';
import type { DomainError } from '../errors';
import { deepCopy, showValue, structuralEquals } from './structural';

export { deepCopy, showValue, structuralEquals } from './structural';

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

/** Every law, in the order they are checked and reported. */
export const deciderLawNames: ReadonlyArray<DeciderLawName> = [
  'decide is deterministic',
  'a rejected command yields no events',
  'folding all accepted events equals the state tracked step by step',
  'invariants hold in every reachable state',
  'terminal states accept nothing',
];

/** One law's outcome. */
export interface LawResult {
  readonly law: DeciderLawName;
  readonly ok: boolean;
  readonly skipped?: string;
  /** On failure: the shrunk command sequence, the seed and the path, for replay. */
  readonly counterexample?: string;
  /** On success: how often the situation the law is about occurred, so a vacuous pass shows. */
  readonly note?: string;
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

/**
 * What one property run of a law receives: the command sequence, and (for the terminal-state
 * law only) extra commands tried at every terminal state reached.
 */
export interface LawInput<C> {
  readonly commands: ReadonlyArray<C>;
  readonly probes: ReadonlyArray<C>;
}

/** Default {@link DeciderLawOptions.numRuns}: generated sequences per law. */
export const DEFAULT_LAW_RUNS = 100;
/** Default {@link DeciderLawOptions.maxCommands}: longest generated command sequence. */
export const DEFAULT_MAX_COMMANDS = 20;

/** A law broken by one generated input; `invariant` names the invariant that failed. */
class LawBroken extends Error {
  constructor(
    message: string,
    readonly invariant?: string,
    /** True when a probe command (not one of the sequence) broke the law. */
    readonly byProbe = false,
  ) {
    super(message);
    this.name = 'LawBroken';
  }
}

/** How often a law's subject occurred over the passing runs (rejections, terminal states...). */
interface Coverage {
  runs: number;
  hits: number;
}

/**
 * The fast-check property of one law, over {@link LawInput}s. {@link deciderLawResults} prints a
 * failing law's seed and path; replay it with
 * `fc.assert(deciderLawProperty(decider, law, options), { seed, path })`.
 */
export const deciderLawProperty = <C, Ev, S>(
  decider: Decider<C, Ev, S>,
  law: DeciderLawName,
  options: DeciderLawOptions<C, S>,
): fc.IPropertyWithHooks<[LawInput<C>]> => lawProperty(decider, law, options, { runs: 0, hits: 0 });

const lawProperty = <C, Ev, S>(
  decider: Decider<C, Ev, S>,
  law: DeciderLawName,
  options: DeciderLawOptions<C, S>,
  coverage: Coverage,
): fc.IPropertyWithHooks<[LawInput<C>]> => {
  const maxLength = options.maxCommands ?? DEFAULT_MAX_COMMANDS;
  const input: fc.Arbitrary<LawInput<C>> = fc.record({
    commands: fc.array(options.commands, { maxLength }),
    probes:
      law === 'terminal states accept nothing'
        ? fc.array(options.commands, { minLength: 1, maxLength: 5 })
        : fc.constant<C[]>([]),
  });
  // A copy taken once: a decide or evolve that mutates `initialState` cannot leak between runs.
  const pristine = deepCopy(decider.initialState);
  const equals = options.equals ?? structuralEquals;
  const check = lawChecks[law];
  return fc.property(input, ({ commands, probes }) => {
    coverage.runs += 1;
    if (check({ decider, pristine, equals, invariants: options.invariants ?? [] }, commands, probes)) {
      coverage.hits += 1;
    }
  });
};

interface LawContext<C, Ev, S> {
  readonly decider: Decider<C, Ev, S>;
  readonly pristine: S;
  readonly equals: (a: S, b: S) => boolean;
  readonly invariants: ReadonlyArray<StateInvariant<S>>;
}

/** Checks one law on one input; throws {@link LawBroken}; answers whether the law's subject occurred. */
type LawCheck = <C, Ev, S>(
  context: LawContext<C, Ev, S>,
  commands: ReadonlyArray<C>,
  probes: ReadonlyArray<C>,
) => boolean;

type Outcome<Ev> = E.Either<DomainError, ReadonlyArray<Ev>>;

const showOutcome = <Ev>(o: Outcome<Ev>): string =>
  E.isLeft(o) ? `rejected with ${showValue(o.left)}` : `accepted with events ${showValue(o.right)}`;

const at = <C>(i: number, command: C): string => `command #${i} ${showValue(command)}`;

const isDomainError = (e: unknown): e is DomainError =>
  typeof e === 'object' &&
  e !== null &&
  (e as { _tag?: unknown })._tag === 'DomainError' &&
  typeof (e as { code?: unknown }).code === 'string';

const lawChecks: Record<DeciderLawName, LawCheck> = {
  /**
   * Law 1. The same command decided twice in equal copies of a reachable state gives
   * structurally equal results: catches hidden mutable state (counters, caches, clocks) in the
   * closure. `decide` only ever sees copies here, so mutating its input is left to laws 2 and 3.
   */
  'decide is deterministic': ({ decider, pristine }, commands) => {
    let state = deepCopy(pristine);
    commands.forEach((command, i) => {
      const first = decider.decide(command, deepCopy(state));
      const second = decider.decide(command, deepCopy(state));
      if (!structuralEquals(first, second)) {
        throw new LawBroken(
          `${at(i, command)} decided twice in the state ${showValue(state)}: first ${showOutcome(first)}, then ${showOutcome(second)}`,
        );
      }
      if (E.isRight(first)) state = fold(decider, first.right, state);
    });
    return commands.length > 0;
  },

  /**
   * Law 2. A rejection is a DomainError (no events can ride along) and leaves the state it was
   * decided in exactly as it was: `decide` gets the tracked state itself, not a copy.
   */
  'a rejected command yields no events': ({ decider, pristine, equals }, commands) => {
    let state = deepCopy(pristine);
    let rejected = false;
    commands.forEach((command, i) => {
      const before = deepCopy(state);
      const outcome = decider.decide(command, state);
      if (E.isRight(outcome)) {
        state = fold(decider, outcome.right, state);
        return;
      }
      rejected = true;
      if (!isDomainError(outcome.left)) {
        throw new LawBroken(
          `${at(i, command)} was rejected with ${showValue(outcome.left)}, which is not a DomainError`,
        );
      }
      if (!equals(state, before)) {
        throw new LawBroken(
          `${at(i, command)} was rejected (${outcome.left.code}) but changed the state it was decided in: before ${showValue(before)}, after ${showValue(state)}`,
        );
      }
    });
    return rejected;
  },

  /**
   * Law 3. After every accepted command, the state tracked step by step equals the fold of every
   * accepted event so far from the initial state, and `evolve` leaves the state it receives
   * untouched. Catches an `evolve` that reads anything but its arguments, a `decide` that writes
   * into the state it accepts in, and an in-place `evolve` that would corrupt `initialState`.
   * Rejections restore the state (law 2 judges them).
   */
  'folding all accepted events equals the state tracked step by step': <C, Ev, S>(
    { decider, pristine, equals }: LawContext<C, Ev, S>,
    commands: ReadonlyArray<C>,
  ) => {
    let state = deepCopy(pristine);
    const accepted: Ev[] = [];
    commands.forEach((command, i) => {
      const before = deepCopy(state);
      const outcome = decider.decide(command, state);
      if (E.isLeft(outcome)) {
        state = before;
        return;
      }
      for (const event of outcome.right) {
        const input = deepCopy(state);
        const next = decider.evolve(state, event);
        if (!equals(state, input)) {
          throw new LawBroken(
            `${at(i, command)}: evolve changed the state it received while applying ${showValue(event)}: before ${showValue(input)}, after ${showValue(state)}`,
          );
        }
        accepted.push(event);
        state = next;
      }
      const replayed = fold(decider, accepted, deepCopy(pristine));
      if (!equals(state, replayed)) {
        throw new LawBroken(
          `after ${at(i, command)}: the state tracked step by step is ${showValue(state)}, but folding the ${accepted.length} accepted events ${showValue(accepted)} from the initial state gives ${showValue(replayed)}`,
        );
      }
    });
    return accepted.length > 0;
  },

  /**
   * Law 4. Every invariant holds in the initial state and after every accepted command (states
   * inside one command's batch of events are never observed, so they are not checked).
   */
  'invariants hold in every reachable state': ({ decider, pristine, invariants }, commands) => {
    let state = deepCopy(pristine);
    const checkState = (where: string) => {
      for (const invariant of invariants) {
        let holds: boolean;
        try {
          holds = invariant.holds(state);
        } catch (error) {
          throw new LawBroken(
            `invariant "${invariant.description}" threw ${showValue(String(error))} ${where}, in the state ${showValue(state)}`,
            invariant.description,
          );
        }
        if (!holds) {
          throw new LawBroken(
            `invariant "${invariant.description}" does not hold ${where}: ${showValue(state)}`,
            invariant.description,
          );
        }
      }
    };
    checkState('in the initial state');
    commands.forEach((command, i) => {
      const outcome = decider.decide(command, deepCopy(state));
      if (E.isLeft(outcome)) return;
      state = fold(decider, outcome.right, state);
      checkState(`after ${at(i, command)} (${showOutcome(outcome)})`);
    });
    return invariants.length > 0;
  },

  /**
   * Law 5. In every reachable state where `isTerminal` is true, the next command of the sequence
   * and every probe command are rejected (an accepted no-op counts as accepting).
   */
  'terminal states accept nothing': ({ decider, pristine }, commands, probes) => {
    const isTerminal = decider.isTerminal;
    if (isTerminal === undefined) return false;
    let state = deepCopy(pristine);
    let reached = false;
    for (let i = 0; i <= commands.length; i++) {
      const command = commands[i];
      if (isTerminal(state)) {
        reached = true;
        const tried = i < commands.length ? [command as (typeof commands)[number], ...probes] : probes;
        tried.forEach((candidate, k) => {
          const outcome = decider.decide(candidate, deepCopy(state));
          if (E.isRight(outcome)) {
            const where = i === 0 ? 'the initial state' : `the state after command #${i - 1}`;
            const byProbe = i === commands.length || k > 0;
            throw new LawBroken(
              `${where} is terminal (${showValue(state)}) but ${byProbe ? `the probe ${showValue(candidate)}` : at(i, candidate)} was ${showOutcome(outcome)}`,
              undefined,
              byProbe,
            );
          }
        });
      }
      if (i === commands.length) break;
      const outcome = decider.decide(command as (typeof commands)[number], deepCopy(state));
      if (E.isRight(outcome)) state = fold(decider, outcome.right, state);
    }
    return reached;
  },
};

/** What a passing law's coverage says, so a law that never met its subject is visible. */
const coverageNote = (law: DeciderLawName, coverage: Coverage, invariants: number): string | undefined => {
  switch (law) {
    case 'a rejected command yields no events':
      return `a rejection occurred in ${coverage.hits} of ${coverage.runs} runs`;
    case 'folding all accepted events equals the state tracked step by step':
      return `some command was accepted in ${coverage.hits} of ${coverage.runs} runs`;
    case 'invariants hold in every reachable state':
      return invariants === 0
        ? 'no invariants given: only checked that every state is reachable without errors'
        : `${invariants} invariant(s) checked in ${coverage.runs} runs`;
    case 'terminal states accept nothing':
      return `a terminal state was reached in ${coverage.hits} of ${coverage.runs} runs`;
    default:
      return undefined;
  }
};

/** Renders a failed run: the law, the shrunk input, why it failed, and how to replay it. */
const describeFailure = <C>(law: DeciderLawName, details: fc.RunDetails<[LawInput<C>]>): string => {
  const input = details.counterexample?.[0];
  const error = details.errorInstance;
  const why =
    error instanceof LawBroken
      ? error.message
      : `threw ${error instanceof Error ? `${error.name}: ${error.message}` : showValue(error)}`;
  const lines = [`law "${law}" failed`];
  if (input !== undefined) {
    lines.push(`shrunk command sequence (${input.commands.length}): ${showValue(input.commands)}`);
    if (error instanceof LawBroken && error.byProbe) {
      lines.push(
        `probe commands tried at terminal states (the first accepted one is named below): ${showValue(input.probes)}`,
      );
    }
  }
  if (error instanceof LawBroken && error.invariant !== undefined) lines.push(`invariant: "${error.invariant}"`);
  lines.push(`why: ${why}`);
  const path = details.counterexamplePath ?? '';
  lines.push(
    `replay: seed ${details.seed}, path ${JSON.stringify(path)} ` +
      `(fc.assert(deciderLawProperty(decider, ${JSON.stringify(law)}, options), { seed: ${details.seed}, path: ${JSON.stringify(path)} }))`,
  );
  lines.push(`found after ${details.numRuns} run(s), shrunk ${details.numShrinks} time(s)`);
  return lines.join('\n');
};

/**
 * Runs every law and answers each result without throwing.
 *
 * Each law is its own fast-check property over generated command sequences (up to
 * `maxCommands`, `numRuns` runs, shrunk on failure). States must be plain data (objects, arrays,
 * bigint, Date, Map, Set): the laws decide in deep copies to tell hidden mutation apart from
 * nondeterminism.
 *
 * Sagas: a `ProcessManager` is a decider over its inputs, so
 * `checkDeciderLaws(processManager, { commands: inputArbitrary })` checks it as it is; its
 * mandatory `isTerminal` makes "terminal states accept nothing" apply (a late answer after the
 * saga ended must be rejected, not accepted as a no-op).
 */
export const deciderLawResults = <C, Ev, S>(
  decider: Decider<C, Ev, S>,
  options: DeciderLawOptions<C, S>,
): ReadonlyArray<LawResult> =>
  deciderLawNames.map((law): LawResult => {
    const skipped = options.skip?.[law];
    if (skipped !== undefined) return { law, ok: true, skipped };
    if (law === 'terminal states accept nothing' && decider.isTerminal === undefined) {
      return { law, ok: true, skipped: 'the decider has no isTerminal' };
    }
    const coverage: Coverage = { runs: 0, hits: 0 };
    const details = fc.check(lawProperty(decider, law, options, coverage), {
      numRuns: options.numRuns ?? DEFAULT_LAW_RUNS,
      ...(options.seed === undefined ? {} : { seed: options.seed }),
    });
    if (details.failed) return { law, ok: false, counterexample: describeFailure(law, details) };
    const note = coverageNote(law, coverage, options.invariants?.length ?? 0);
    return note === undefined ? { law, ok: true } : { law, ok: true, note };
  });

/** Runs every law; throws {@link LawViolation} naming the failing laws and their shrunk command sequences. */
export const checkDeciderLaws = <C, Ev, S>(decider: Decider<C, Ev, S>, options: DeciderLawOptions<C, S>): void => {
  const results = deciderLawResults(decider, options);
  const failed = results.filter((r) => !r.ok);
  if (failed.length === 0) return;
  throw new LawViolation(
    `${failed.length} of ${results.length} decider laws failed: ${failed.map((r) => `"${r.law}"`).join(', ')}\n\n${failed
      .map((r) => r.counterexample ?? `law "${r.law}" failed`)
      .join('\n\n')}`,
    results,
  );
};
