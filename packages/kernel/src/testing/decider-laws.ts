import * as fc from 'fast-check';
import * as E from 'fp-ts/Either';
import { type Decider, fold } from '../decider/decider';
import type { DomainError } from '../model/errors';
import { deepCopy, showValue, structuralEquals } from './structural';

export { deepCopy, showValue, structuralEquals } from './structural';

/** A user's invariant over every reachable state, stated in words. */
export interface StateInvariant<S> {
  /** The invariant in words, printed when it fails (e.g. "available stock is never negative"). */
  readonly description: string;
  readonly holds: (state: S) => boolean;
}

/**
 * A user's invariant over every accepted command: a rule about a step rather than about a state
 * ("a lent book is not lent again", "a deposit raises the balance by its amount"), stated in
 * words. Checked by the law "transition invariants hold on every accepted command".
 */
export interface TransitionInvariant<C, Ev, S> {
  /** The invariant in words, printed when it fails (e.g. "a lent book is not lent again"). */
  readonly description: string;
  /**
   * Answers whether the step is allowed: `before` is the state the command was decided in,
   * `events` what `decide` accepted it with (possibly none), `after` the state once they are
   * applied. Only accepted commands are checked: a rejection has no events and leaves the state
   * as it was (the law "a rejected command yields no events" holds it to that), so there is no
   * step to judge.
   */
  readonly holds: (before: S, command: C, events: ReadonlyArray<Ev>, after: S) => boolean;
}

/**
 * Options of {@link checkDeciderLaws}. `Ev` (the event type) only matters for `transitions`; it
 * defaults to `unknown`, so `DeciderLawOptions<Command, State>` still reads as before.
 */
export interface DeciderLawOptions<C, S, Ev = unknown> {
  /** Generates single commands; sequences are built from it. */
  readonly commands: fc.Arbitrary<C>;
  /** Invariants of every reachable state (the initial one and the one after every accepted command). */
  readonly invariants?: ReadonlyArray<StateInvariant<S>>;
  /**
   * Invariants of every accepted command, each seeing the state before, the command, its events
   * and the state after. Without any, the law "transition invariants hold on every accepted
   * command" is reported as skipped.
   */
  readonly transitions?: ReadonlyArray<TransitionInvariant<C, Ev, S>>;
  /** Deep equality of states; defaults to a structural comparison. */
  readonly equals?: (a: S, b: S) => boolean;
  /**
   * Generated command sequences per law; {@link DEFAULT_LAW_RUNS} (100) by default. With the
   * default {@link DeciderLawOptions.maxCommands}, 100 runs caught bugs that need 13, 21 and 31
   * accepted commands in every one of 50 seeds when a fifth of the generated commands are
   * rejected (the kernel's `decider-laws-depth.spec.ts`), and still reached 31 accepted commands
   * in every one of 200 seeds when half are rejected. A passing check of a small decider takes
   * tens of milliseconds; a failing one spends most of its time shrinking, from tens of
   * milliseconds when the commands are constants to 0.5-0.8 s when a 31-command
   * counterexample has a number in every command to shrink. Raise it when the commands arbitrary
   * is wide (many kinds of commands, most of them rejected in most states).
   */
  readonly numRuns?: number;
  /**
   * The longest generated command sequence; {@link DEFAULT_MAX_COMMANDS} (80) by default. It is
   * honoured as given: the sequences are `fc.array(commands, { maxLength: maxCommands, size: 'max' })`,
   * so fast-check's size setting (by default about 10 elements) does not cap them.
   *
   * The length distribution is fast-check's for that array: most runs draw the length uniformly
   * from 0 to `maxCommands`; about one run in nine (one in four of the first few) draws a short
   * length of at most log2(`maxCommands`) commands, with biased (edge-case) commands. So the mean
   * length is a little under `maxCommands / 2` (about 35 for 80), the longest runs reach
   * `maxCommands`, and short sequences still occur. Every law judges every prefix of a sequence
   * (each intermediate state), so a long sequence also covers the short ones it starts with; on
   * failure fast-check shrinks the sequence (dropping and simplifying commands) to a short one.
   *
   * A bug that needs `depth` accepted commands needs sequences of about `depth / acceptance rate`
   * commands: the default 80 reaches 31 accepted commands in a good share of the runs even when
   * half the generated commands are rejected. Set it higher for deeper bugs (or a commands
   * arbitrary that is rejected more often); the laws' cost grows about linearly with it, the
   * fold law's (which replays every accepted event after each command) quadratically.
   */
  readonly maxCommands?: number;
  /** The fast-check seed, to replay a run; random by default. */
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
  | 'terminal states accept nothing'
  | 'transition invariants hold on every accepted command';

/** Every law, in the order they are checked and reported. */
export const deciderLawNames: ReadonlyArray<DeciderLawName> = [
  'decide is deterministic',
  'a rejected command yields no events',
  'folding all accepted events equals the state tracked step by step',
  'invariants hold in every reachable state',
  'terminal states accept nothing',
  'transition invariants hold on every accepted command',
];

/** One law's outcome. */
export interface LawResult {
  readonly law: DeciderLawName;
  readonly ok: boolean;
  readonly skipped?: string;
  /**
   * On failure: the shrunk command sequence (one numbered command per line when it has more
   * than three), why it failed, the seed and the path, for replay.
   */
  readonly counterexample?: string;
  /**
   * On success: how often the situation the law is about occurred, the lengths of the generated
   * command sequences (mean and max) and how many distinct states the runs reached, so a vacuous
   * or shallow pass shows. Distinct states are counted by a hash of their {@link showValue}
   * rendering, up to {@link LAW_DISTINCT_STATES_CAP} ("at least N" beyond).
   */
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

/** Default {@link DeciderLawOptions.numRuns}: generated command sequences per law. */
export const DEFAULT_LAW_RUNS = 100;
/**
 * Default {@link DeciderLawOptions.maxCommands}: the longest generated command sequence (lengths
 * are drawn from 0 to it, mean a little under half of it; see the option for the distribution).
 */
export const DEFAULT_MAX_COMMANDS = 80;
/** Distinct states a law's note counts exactly; beyond it the note says "at least". */
export const LAW_DISTINCT_STATES_CAP = 10_000;

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

/**
 * What the passing runs of one law met: how many runs saw the law's subject (rejections,
 * terminal states...), how many times it occurred, the sequence lengths and the distinct states.
 */
interface Coverage {
  runs: number;
  hits: number;
  occurrences: number;
  totalLength: number;
  maxLength: number;
  /** Hashes of the rendered states reached, at most {@link LAW_DISTINCT_STATES_CAP}. */
  readonly states: Set<number>;
  capped: boolean;
  /** Set by the first failing run: the runs after it are shrinking runs, not counted. */
  failed: boolean;
}

const newCoverage = (): Coverage => ({
  runs: 0,
  hits: 0,
  occurrences: 0,
  totalLength: 0,
  maxLength: 0,
  states: new Set(),
  capped: false,
  failed: false,
});

/** cyrb53: a fast 53-bit string hash, so the distinct-state count keeps no state text. */
const hash53 = (text: string): number => {
  let h1 = 0xdeadbeef;
  let h2 = 0x41c6ce57;
  for (let i = 0; i < text.length; i++) {
    const ch = text.charCodeAt(i);
    h1 = Math.imul(h1 ^ ch, 2654435761);
    h2 = Math.imul(h2 ^ ch, 1597334677);
  }
  h1 = Math.imul(h1 ^ (h1 >>> 16), 2246822507) ^ Math.imul(h2 ^ (h2 >>> 13), 3266489909);
  h2 = Math.imul(h2 ^ (h2 >>> 16), 2246822507) ^ Math.imul(h1 ^ (h1 >>> 13), 3266489909);
  return 4294967296 * (2097151 & h2) + (h1 >>> 0);
};

/** The command sequences every law is checked over; see {@link DeciderLawOptions.maxCommands}. */
const commandSequences = <C>(commands: fc.Arbitrary<C>, maxCommands: number): fc.Arbitrary<C[]> =>
  fc.array(commands, { maxLength: maxCommands, size: 'max' });

/**
 * The fast-check property of one law, over {@link LawInput}s. {@link deciderLawResults} prints a
 * failing law's seed and path; replay it with
 * `fc.assert(deciderLawProperty(decider, law, options), { seed, path })`.
 */
export const deciderLawProperty = <C, Ev, S>(
  decider: Decider<C, Ev, S>,
  law: DeciderLawName,
  options: DeciderLawOptions<C, S, Ev>,
): fc.IPropertyWithHooks<[LawInput<C>]> => lawProperty(decider, law, options, newCoverage());

const lawProperty = <C, Ev, S>(
  decider: Decider<C, Ev, S>,
  law: DeciderLawName,
  options: DeciderLawOptions<C, S, Ev>,
  coverage: Coverage,
): fc.IPropertyWithHooks<[LawInput<C>]> => {
  const input: fc.Arbitrary<LawInput<C>> = fc.record({
    commands: commandSequences(options.commands, options.maxCommands ?? DEFAULT_MAX_COMMANDS),
    probes:
      law === 'terminal states accept nothing'
        ? fc.array(options.commands, { minLength: 1, maxLength: 5 })
        : fc.constant<C[]>([]),
  });
  // A copy taken once: a decide or evolve that mutates `initialState` cannot leak between runs.
  const pristine = deepCopy(decider.initialState);
  const equals = options.equals ?? structuralEquals;
  const check = lawChecks[law];
  const observe = (state: S): void => {
    if (coverage.capped) return;
    coverage.states.add(hash53(showValue(state)));
    if (coverage.states.size >= LAW_DISTINCT_STATES_CAP) coverage.capped = true;
  };
  const counting: LawContext<C, Ev, S> = {
    decider,
    pristine,
    equals,
    invariants: options.invariants ?? [],
    transitions: options.transitions ?? [],
    observe,
  };
  // Once a run failed, fast-check only shrinks: the note is not printed, so states go uncounted.
  const shrinking: LawContext<C, Ev, S> = { ...counting, observe: () => undefined };
  return fc.property(input, ({ commands, probes }) => {
    if (coverage.failed) {
      check(shrinking, commands, probes);
      return;
    }
    coverage.runs += 1;
    coverage.totalLength += commands.length;
    coverage.maxLength = Math.max(coverage.maxLength, commands.length);
    let occurrences: number;
    try {
      occurrences = check(counting, commands, probes);
    } catch (error) {
      coverage.failed = true;
      throw error;
    }
    coverage.occurrences += occurrences;
    if (occurrences > 0) coverage.hits += 1;
  });
};

interface LawContext<C, Ev, S> {
  readonly decider: Decider<C, Ev, S>;
  readonly pristine: S;
  readonly equals: (a: S, b: S) => boolean;
  readonly invariants: ReadonlyArray<StateInvariant<S>>;
  readonly transitions: ReadonlyArray<TransitionInvariant<C, Ev, S>>;
  /** Counts a reached state (the initial one, and the one after every accepted command). */
  readonly observe: (state: S) => void;
}

/**
 * Checks one law on one input; throws {@link LawBroken}; answers how often the law's subject
 * occurred (0 when it did not).
 */
type LawCheck = <C, Ev, S>(
  context: LawContext<C, Ev, S>,
  commands: ReadonlyArray<C>,
  probes: ReadonlyArray<C>,
) => number;

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
  'decide is deterministic': ({ decider, pristine, observe }, commands) => {
    let state = deepCopy(pristine);
    observe(state);
    commands.forEach((command, i) => {
      const first = decider.decide(command, deepCopy(state));
      const second = decider.decide(command, deepCopy(state));
      if (!structuralEquals(first, second)) {
        throw new LawBroken(
          `${at(i, command)} decided twice in the state ${showValue(state)}: first ${showOutcome(first)}, then ${showOutcome(second)}`,
        );
      }
      if (E.isRight(first)) {
        state = fold(decider, first.right, state);
        observe(state);
      }
    });
    return commands.length;
  },

  /**
   * Law 2. A rejection is a DomainError (no events can ride along) and leaves the state it was
   * decided in exactly as it was: `decide` gets the tracked state itself, not a copy.
   */
  'a rejected command yields no events': ({ decider, pristine, equals, observe }, commands) => {
    let state = deepCopy(pristine);
    observe(state);
    let rejected = 0;
    commands.forEach((command, i) => {
      const before = deepCopy(state);
      const outcome = decider.decide(command, state);
      if (E.isRight(outcome)) {
        state = fold(decider, outcome.right, state);
        observe(state);
        return;
      }
      rejected += 1;
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
    { decider, pristine, equals, observe }: LawContext<C, Ev, S>,
    commands: ReadonlyArray<C>,
  ) => {
    let state = deepCopy(pristine);
    observe(state);
    const accepted: Ev[] = [];
    let acceptedCommands = 0;
    commands.forEach((command, i) => {
      const before = deepCopy(state);
      const outcome = decider.decide(command, state);
      if (E.isLeft(outcome)) {
        state = before;
        return;
      }
      acceptedCommands += 1;
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
      observe(state);
    });
    // The subject is an accepted command that emitted events (an accepted no-op folds nothing).
    return accepted.length > 0 ? acceptedCommands : 0;
  },

  /**
   * Law 4. Every invariant holds in the initial state and after every accepted command (states
   * inside one command's batch of events are never observed, so they are not checked).
   */
  'invariants hold in every reachable state': ({ decider, pristine, invariants, observe }, commands) => {
    let state = deepCopy(pristine);
    let checked = 0;
    const checkState = (where: () => string) => {
      observe(state);
      checked += 1;
      for (const invariant of invariants) {
        let holds: boolean;
        try {
          holds = invariant.holds(state);
        } catch (error) {
          throw new LawBroken(
            `invariant "${invariant.description}" threw ${showValue(String(error))} ${where()}, in the state ${showValue(state)}`,
            invariant.description,
          );
        }
        if (!holds) {
          throw new LawBroken(
            `invariant "${invariant.description}" does not hold ${where()}: ${showValue(state)}`,
            invariant.description,
          );
        }
      }
    };
    checkState(() => 'in the initial state');
    commands.forEach((command, i) => {
      const outcome = decider.decide(command, deepCopy(state));
      if (E.isLeft(outcome)) return;
      state = fold(decider, outcome.right, state);
      checkState(() => `after ${at(i, command)} (${showOutcome(outcome)})`);
    });
    return invariants.length > 0 ? checked : 0;
  },

  /**
   * Law 5. In every reachable state where `isTerminal` is true, the next command of the sequence
   * and every probe command are rejected (an accepted no-op counts as accepting).
   */
  'terminal states accept nothing': ({ decider, pristine, observe }, commands, probes) => {
    const isTerminal = decider.isTerminal;
    if (isTerminal === undefined) return 0;
    let state = deepCopy(pristine);
    observe(state);
    let reached = 0;
    for (let i = 0; i <= commands.length; i++) {
      const command = commands[i];
      if (isTerminal(state)) {
        reached += 1;
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
      if (E.isRight(outcome)) {
        state = fold(decider, outcome.right, state);
        observe(state);
      }
    }
    return reached;
  },

  /**
   * Law 6. Every transition invariant holds on every accepted command: `holds(before, command,
   * events, after)` with the state it was decided in, its events and the state they lead to.
   * Rejected commands are not judged (law 2 already holds them to no events and no change).
   * `before` is never mutated by the laws: `decide` gets a copy, the events are applied to
   * another.
   */
  'transition invariants hold on every accepted command': ({ decider, pristine, transitions, observe }, commands) => {
    let state = deepCopy(pristine);
    observe(state);
    let accepted = 0;
    commands.forEach((command, i) => {
      const before = state;
      const outcome = decider.decide(command, deepCopy(before));
      if (E.isLeft(outcome)) return;
      const events = outcome.right;
      const after = fold(decider, events, deepCopy(before));
      accepted += 1;
      for (const transition of transitions) {
        const step = () =>
          `${at(i, command)} in the state ${showValue(before)}, accepted with events ${showValue(events)}, leading to ${showValue(after)}`;
        let holds: boolean;
        try {
          holds = transition.holds(before, command, events, after);
        } catch (error) {
          throw new LawBroken(
            `transition invariant "${transition.description}" threw ${showValue(String(error))} on ${step()}`,
            transition.description,
          );
        }
        if (!holds) {
          throw new LawBroken(
            `transition invariant "${transition.description}" does not hold on ${step()}`,
            transition.description,
          );
        }
      }
      state = after;
      observe(state);
    });
    return transitions.length > 0 ? accepted : 0;
  },
};

/** The part of every note that says how deep the runs went: sequence lengths and distinct states. */
const depthNote = (coverage: Coverage, maxCommands: number): string => {
  const mean = coverage.runs === 0 ? 0 : coverage.totalLength / coverage.runs;
  const states = coverage.capped ? `at least ${coverage.states.size}` : `${coverage.states.size}`;
  return (
    `command sequences of mean length ${mean.toFixed(1)}, max ${coverage.maxLength} (maxCommands ${maxCommands}); ` +
    `${states} distinct states reached`
  );
};

/** What a passing law's coverage says, so a law that never met its subject, or stayed shallow, is visible. */
const coverageNote = (
  law: DeciderLawName,
  coverage: Coverage,
  counts: { readonly invariants: number; readonly transitions: number; readonly maxCommands: number },
): string => {
  const depth = depthNote(coverage, counts.maxCommands);
  switch (law) {
    case 'decide is deterministic':
      return `${coverage.occurrences} command(s) decided twice over ${coverage.runs} runs; ${depth}`;
    case 'a rejected command yields no events':
      return `a rejection occurred in ${coverage.hits} of ${coverage.runs} runs; ${depth}`;
    case 'folding all accepted events equals the state tracked step by step':
      return `some command was accepted in ${coverage.hits} of ${coverage.runs} runs; ${depth}`;
    case 'invariants hold in every reachable state':
      return counts.invariants === 0
        ? `no invariants given: only checked that every state is reachable without errors; ${depth}`
        : `${counts.invariants} invariant(s) checked in ${coverage.runs} runs, on ${coverage.occurrences} states along them; ${depth}`;
    case 'terminal states accept nothing':
      return `a terminal state was reached in ${coverage.hits} of ${coverage.runs} runs; ${depth}`;
    case 'transition invariants hold on every accepted command':
      return (
        `${counts.transitions} transition invariant(s) checked on ${coverage.occurrences} accepted command(s); ` +
        `some command was accepted in ${coverage.hits} of ${coverage.runs} runs; ${depth}`
      );
  }
};

/** Sequences longer than this print one numbered command per line in a failure. */
const INLINE_SEQUENCE_MAX = 3;

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
    const { commands } = input;
    if (commands.length > INLINE_SEQUENCE_MAX) {
      lines.push(`shrunk command sequence (${commands.length}):`);
      commands.forEach((command, i) => lines.push(`  #${i} ${showValue(command)}`));
    } else {
      lines.push(`shrunk command sequence (${commands.length}): ${showValue(commands)}`);
    }
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
 * Each law is its own fast-check property over generated command sequences (`numRuns` runs of
 * sequences up to `maxCommands` long, see {@link DeciderLawOptions.maxCommands} for the length
 * distribution; shrunk on failure). States must be plain data (objects, arrays, bigint, Date,
 * Map, Set): the laws decide in deep copies to tell hidden mutation apart from nondeterminism.
 * "terminal states accept nothing" is skipped for a decider without `isTerminal`, "transition
 * invariants hold on every accepted command" when no `transitions` are given.
 *
 * Sagas: a `ProcessManager` is a decider over its inputs, so
 * `checkDeciderLaws(processManager, { commands: inputArbitrary })` checks it as it is; its
 * mandatory `isTerminal` makes "terminal states accept nothing" apply (a late answer after the
 * saga ended must be rejected, not accepted as a no-op).
 */
export const deciderLawResults = <C, Ev, S>(
  decider: Decider<C, Ev, S>,
  options: DeciderLawOptions<C, S, Ev>,
): ReadonlyArray<LawResult> =>
  deciderLawNames.map((law): LawResult => {
    const skipped = options.skip?.[law];
    if (skipped !== undefined) return { law, ok: true, skipped };
    if (law === 'terminal states accept nothing' && decider.isTerminal === undefined) {
      return { law, ok: true, skipped: 'the decider has no isTerminal' };
    }
    if (law === 'transition invariants hold on every accepted command' && (options.transitions ?? []).length === 0) {
      return { law, ok: true, skipped: 'no transition invariants given' };
    }
    const coverage = newCoverage();
    const details = fc.check(lawProperty(decider, law, options, coverage), {
      numRuns: options.numRuns ?? DEFAULT_LAW_RUNS,
      ...(options.seed === undefined ? {} : { seed: options.seed }),
    });
    if (details.failed) return { law, ok: false, counterexample: describeFailure(law, details) };
    const note = coverageNote(law, coverage, {
      invariants: options.invariants?.length ?? 0,
      transitions: options.transitions?.length ?? 0,
      maxCommands: options.maxCommands ?? DEFAULT_MAX_COMMANDS,
    });
    return { law, ok: true, note };
  });

/** Runs every law; throws {@link LawViolation} naming the failing laws and their shrunk command sequences. */
export const checkDeciderLaws = <C, Ev, S>(decider: Decider<C, Ev, S>, options: DeciderLawOptions<C, S, Ev>): void => {
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
