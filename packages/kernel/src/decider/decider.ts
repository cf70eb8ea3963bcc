import * as E from 'fp-ts/Either';
import type { DomainError } from '../model/errors';

/**
 * A decider (Jérémie Chassaing's shape): the whole behaviour of one consistency boundary as three
 * pure functions and an initial state.
 */
export interface Decider<C, Ev, S> {
  /** Accepts a command in a state, answering the events it causes, or a rejection. */
  readonly decide: (command: C, state: S) => E.Either<DomainError, ReadonlyArray<Ev>>;
  /** Applies one event to the state. Must accept every event `decide` can emit. */
  readonly evolve: (state: S, event: Ev) => S;
  readonly initialState: S;
  /** True when the state accepts no more commands (an order completed or cancelled). */
  readonly isTerminal?: (state: S) => boolean;
}

/** The command, event and state types of a decider. */
export type CommandOf<D> = D extends Decider<infer C, unknown, unknown> ? C : never;
export type EventOf<D> = D extends Decider<unknown, infer Ev, unknown> ? Ev : never;
export type StateOf<D> = D extends Decider<unknown, unknown, infer S> ? S : never;

/** Folds events into a state, starting at `from` (the decider's initial state by default). */
export const fold = <C, Ev, S>(decider: Decider<C, Ev, S>, events: Iterable<Ev>, from: S = decider.initialState): S => {
  let state = from;
  if (Array.isArray(events)) {
    // Arrays (what stores return) take an indexed loop: V8 does not always optimise the iterator
    // protocol of `for...of` away, and the kernel benchmark saw that path run ~1.7x slower.
    const list = events as ReadonlyArray<Ev>;
    for (let i = 0; i < list.length; i++) state = decider.evolve(state, list[i] as Ev);
    return state;
  }
  for (const event of events) state = decider.evolve(state, event);
  return state;
};

/** Decides and evolves in one step: the events and the state after them, or the rejection. */
export const decideAndEvolve = <C, Ev, S>(
  decider: Decider<C, Ev, S>,
  command: C,
  state: S,
): E.Either<DomainError, { readonly events: ReadonlyArray<Ev>; readonly state: S }> =>
  E.map((events: ReadonlyArray<Ev>) => ({ events, state: fold(decider, events, state) }))(
    decider.decide(command, state),
  );

/**
 * Runs the decider over a list of commands from its initial state, stopping at the first rejection.
 * Handy in examples and tests.
 */
export const runCommands = <C, Ev, S>(
  decider: Decider<C, Ev, S>,
  commands: ReadonlyArray<C>,
  from: S = decider.initialState,
): E.Either<DomainError, { readonly events: ReadonlyArray<Ev>; readonly state: S }> => {
  let state = from;
  const all: Ev[] = [];
  for (const command of commands) {
    const step = decideAndEvolve(decider, command, state);
    if (E.isLeft(step)) return step;
    all.push(...step.right.events);
    state = step.right.state;
  }
  return E.right({ events: all, state });
};

/**
 * Runs two deciders side by side as one: commands and events are routed by the type guards, the
 * state is the pair. Useful to treat two aggregates of one boundary, or a saga and its reactions,
 * as one decider under the property laws.
 */
export const combineDeciders = <C1, E1, S1, C2, E2, S2>(
  left: Decider<C1, E1, S1>,
  right: Decider<C2, E2, S2>,
  route: {
    readonly isLeftCommand: (c: C1 | C2) => c is C1;
    readonly isLeftEvent: (e: E1 | E2) => e is E1;
  },
): Decider<C1 | C2, E1 | E2, readonly [S1, S2]> => ({
  initialState: [left.initialState, right.initialState] as const,
  decide: (command, [s1, s2]) =>
    route.isLeftCommand(command)
      ? (left.decide(command, s1) as E.Either<DomainError, ReadonlyArray<E1 | E2>>)
      : (right.decide(command as C2, s2) as E.Either<DomainError, ReadonlyArray<E1 | E2>>),
  evolve: ([s1, s2], event) =>
    route.isLeftEvent(event) ? ([left.evolve(s1, event), s2] as const) : ([s1, right.evolve(s2, event as E2)] as const),
  isTerminal: ([s1, s2]) => (left.isTerminal?.(s1) ?? false) && (right.isTerminal?.(s2) ?? false),
});

/**
 * Adapts a decider to other command, event and state types (for instance to embed it in a
 * larger union). Commands that `command` maps to `undefined` are rejected with `unhandled`.
 */
export const adaptDecider = <C, Ev, S, C2, E2, S2>(
  decider: Decider<C, Ev, S>,
  maps: {
    readonly command: (c: C2) => C | undefined;
    readonly eventIn: (e: E2) => Ev | undefined;
    readonly eventOut: (e: Ev) => E2;
    readonly stateIn: (s: S2) => S;
    readonly stateOut: (s: S, previous: S2) => S2;
    readonly initialState: S2;
    readonly unhandled: (c: C2) => DomainError;
  },
): Decider<C2, E2, S2> => ({
  initialState: maps.initialState,
  decide: (command, state) => {
    const inner = maps.command(command);
    if (inner === undefined) return E.left(maps.unhandled(command));
    return E.map((events: ReadonlyArray<Ev>) => events.map(maps.eventOut))(decider.decide(inner, maps.stateIn(state)));
  },
  evolve: (state, event) => {
    const inner = maps.eventIn(event);
    return inner === undefined ? state : maps.stateOut(decider.evolve(maps.stateIn(state), inner), state);
  },
  ...(decider.isTerminal === undefined ? {} : { isTerminal: (state: S2) => decider.isTerminal!(maps.stateIn(state)) }),
});

/** Helpers to write `decide` bodies: accept with events, reject with a domain error. */
export const accept = <Ev>(...events: ReadonlyArray<Ev>): E.Either<DomainError, ReadonlyArray<Ev>> => E.right(events);
export const reject = <Ev = never>(error: DomainError): E.Either<DomainError, ReadonlyArray<Ev>> => E.left(error);
