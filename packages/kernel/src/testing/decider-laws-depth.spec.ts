/**
 * The laws reach deep bugs with their DEFAULT options: deciders that only break after 12, 20 and
 * 30 accepted commands are caught in every one of many seeds, a correct decider passes with
 * notes that show how deep the runs went, and a check of a small decider stays well under a
 * second. (Before `maxCommands` was honoured, fast-check's default size capped the sequences at
 * about 10 commands and none of these bugs was ever found.)
 */
import * as fc from 'fast-check';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { accept, type Decider, reject } from '../decider/decider';
import { domainError } from '../model/errors';
import {
  type DeciderLawName,
  type DeciderLawOptions,
  deciderLawResults,
  deciderLawNames,
  DEFAULT_MAX_COMMANDS,
  type LawResult,
} from './decider-laws';

const SEEDS = 50;
const DEPTHS = [12, 20, 30] as const;
/**
 * A generous bound on the mean CPU time of a check, so CI noise does not flake; the real figures
 * are printed. CPU time (this process's, `process.cpuUsage`) rather than wall time: on a loaded
 * machine the wall time of the same check varies several times over.
 */
const MAX_MEAN_MS_PER_CHECK = 1000;

/** Runs `f`, answering its result with the CPU and wall milliseconds it took. */
const timed = <T>(f: () => T): { readonly result: T; readonly cpuMs: number; readonly wallMs: number } => {
  const cpu = process.cpuUsage();
  const wall = performance.now();
  const result = f();
  const used = process.cpuUsage(cpu);
  return { result, cpuMs: (used.user + used.system) / 1000, wallMs: performance.now() - wall };
};

// --- a counter: increments that mostly succeed ---------------------------------------------

type CounterCommand = { readonly type: 'Increment' } | { readonly type: 'Jam' };
type CounterEvent = { readonly type: 'Incremented' };
interface CounterState {
  readonly count: number;
}

const counter: Decider<CounterCommand, CounterEvent, CounterState> = {
  initialState: { count: 0 },
  decide: (command) =>
    command.type === 'Increment' ? accept({ type: 'Incremented' }) : reject(domainError('jammed', 'the counter jams')),
  evolve: (state) => ({ count: state.count + 1 }),
};

/** Four in five commands are increments, and every increment is accepted. */
const counterCommands: fc.Arbitrary<CounterCommand> = fc.oneof(
  { weight: 4, arbitrary: fc.constant<CounterCommand>({ type: 'Increment' }) },
  { weight: 1, arbitrary: fc.constant<CounterCommand>({ type: 'Jam' }) },
);

/** The bug: an invariant the counter breaks at the `depth + 1`th increment. */
const counterBrokenAt = (depth: number): DeciderLawOptions<CounterCommand, CounterState, CounterEvent> => ({
  commands: counterCommands,
  invariants: [{ description: `the count stays at most ${depth}`, holds: (s) => s.count <= depth }],
});

// --- an account whose deposits stop being deterministic after N of them --------------------

type AccountCommand =
  { readonly type: 'Deposit'; readonly amount: bigint } | { readonly type: 'Withdraw'; readonly amount: bigint };
type AccountEvent =
  | { readonly type: 'Deposited'; readonly amount: bigint; readonly receipt?: number }
  | { readonly type: 'Withdrawn'; readonly amount: bigint };
interface AccountState {
  readonly balance: bigint;
  readonly deposits: number;
}

/**
 * A fresh account per check (the bug's counter starts at 0): once `after` deposits were made, a deposit's receipt number comes
 * from a counter in the closure (hidden state), so deciding it twice gives two receipts.
 * `after = Infinity` is the correct account.
 */
const account = (after: number): Decider<AccountCommand, AccountEvent, AccountState> => {
  let receipts = 0;
  return {
    initialState: { balance: 0n, deposits: 0 },
    decide: (command, state) => {
      if (command.type === 'Withdraw') {
        return command.amount > state.balance
          ? reject(domainError('insufficient_funds', 'not enough money'))
          : accept({ type: 'Withdrawn', amount: command.amount });
      }
      return state.deposits >= after
        ? accept({ type: 'Deposited', amount: command.amount, receipt: ++receipts }) // the bug
        : accept({ type: 'Deposited', amount: command.amount });
    },
    evolve: (state, event) =>
      event.type === 'Deposited'
        ? { balance: state.balance + event.amount, deposits: state.deposits + 1 }
        : { ...state, balance: state.balance - event.amount },
  };
};

/**
 * Mostly deposits; a withdrawal is accepted when the balance covers it, rejected otherwise. The
 * commands are constants, so a failure shrinks by dropping commands only: with
 * `fc.bigInt` amounts the bug is caught just the same, but shrinking every amount of a 31-deposit
 * counterexample one by one makes a failing check at depth 30 take several times longer.
 */
const accountCommands: fc.Arbitrary<AccountCommand> = fc.oneof(
  { weight: 4, arbitrary: fc.constant<AccountCommand>({ type: 'Deposit', amount: 5n }) },
  { weight: 1, arbitrary: fc.constant<AccountCommand>({ type: 'Withdraw', amount: 12n }) },
);

const accountOptions: DeciderLawOptions<AccountCommand, AccountState, AccountEvent> = {
  commands: accountCommands,
  invariants: [{ description: 'the balance is never negative', holds: (s) => s.balance >= 0n }],
};

// --- a library: "a lent book is not lent again" is a transition invariant -------------------

type Book = 'dune' | 'emma' | 'ulysses';
type LibraryCommand = { readonly type: 'Lend'; readonly book: Book } | { readonly type: 'Return'; readonly book: Book };
type LibraryEvent = { readonly type: 'Lent'; readonly book: Book } | { readonly type: 'Returned'; readonly book: Book };
interface LibraryState {
  readonly lent: ReadonlyArray<Book>;
  readonly lends: number;
}

/**
 * After `after` loans the lent-check is forgotten. The state cannot show it (lending a lent book
 * leaves the same set of lent books), only the step can.
 */
const library = (after: number): Decider<LibraryCommand, LibraryEvent, LibraryState> => ({
  initialState: { lent: [], lends: 0 },
  decide: (command, state) => {
    const isLent = state.lent.includes(command.book);
    if (command.type === 'Return') {
      return isLent ? accept({ type: 'Returned', book: command.book }) : reject(domainError('not_lent', 'not lent'));
    }
    return isLent && state.lends < after
      ? reject(domainError('already_lent', 'the book is out'))
      : accept({ type: 'Lent', book: command.book });
  },
  evolve: (state, event) =>
    event.type === 'Lent'
      ? {
          lent: state.lent.includes(event.book) ? state.lent : [...state.lent, event.book],
          lends: state.lends + 1,
        }
      : { ...state, lent: state.lent.filter((b) => b !== event.book) },
});

const books = fc.constantFrom<Book>('dune', 'emma', 'ulysses');
const libraryOptions: DeciderLawOptions<LibraryCommand, LibraryState, LibraryEvent> = {
  commands: fc.oneof(
    fc.record({ type: fc.constant('Lend' as const), book: books }),
    fc.record({ type: fc.constant('Return' as const), book: books }),
  ),
  transitions: [
    {
      description: 'a lent book is not lent again',
      holds: (before, command) => command.type !== 'Lend' || !before.lent.includes(command.book),
    },
    {
      description: 'a loan adds one to the loans',
      holds: (before, command, _events, after) => command.type !== 'Lend' || after.lends === before.lends + 1,
    },
  ],
};

// --- the harness ---------------------------------------------------------------------------

interface SeedsReport {
  /** Seeds (of SEEDS) in which the law caught the bug. */
  readonly caught: number;
  /** Mean CPU time of the failing law alone, over SEEDS seeds. */
  readonly lawMs: number;
  /** Mean CPU time of a whole check (every law), over FULL_CHECK_SEEDS seeds. */
  readonly checkMs: number;
  /** Mean wall time of a whole check. */
  readonly checkWallMs: number;
  /** The shrunk sequence length of every catch. */
  readonly shrunk: ReadonlyArray<number>;
  /** One failure text, to look at its layout. */
  readonly example: string;
}

/** Whole checks (all six laws) timed per family; the catch rate is measured over SEEDS seeds. */
const FULL_CHECK_SEEDS = 5;

const mean = (xs: ReadonlyArray<number>): number => xs.reduce((a, b) => a + b, 0) / Math.max(1, xs.length);

/**
 * Checks a fresh decider with `options` (nothing but the seed added: default `numRuns` and
 * `maxCommands`) over SEEDS seeds. The catch rate runs `law` alone (every law is its own
 * fast-check property, so the others do not change what it generates); the first
 * FULL_CHECK_SEEDS seeds also run the whole check, in which exactly `law` must fail.
 */
const overSeeds = <C, Ev, S>(
  make: () => Decider<C, Ev, S>,
  options: DeciderLawOptions<C, S, Ev>,
  law: DeciderLawName,
): SeedsReport => {
  const others = Object.fromEntries(deciderLawNames.filter((l) => l !== law).map((l) => [l, 'timed alone']));
  let caught = 0;
  let example = '';
  const lawMs: number[] = [];
  const checkMs: number[] = [];
  const checkWallMs: number[] = [];
  const shrunk: number[] = [];
  for (let seed = 1; seed <= SEEDS; seed++) {
    const alone = timed(() => deciderLawResults(make(), { ...options, seed, skip: others }));
    lawMs.push(alone.cpuMs);
    const failed = alone.result.find((r) => r.law === law && !r.ok);
    if (failed !== undefined) {
      caught += 1;
      example = failed.counterexample ?? '';
      shrunk.push(Number(/shrunk command sequence \((\d+)\)/.exec(example)?.[1] ?? -1));
    }
    if (seed > FULL_CHECK_SEEDS) continue;
    const check = timed(() => deciderLawResults(make(), { ...options, seed }));
    checkMs.push(check.cpuMs);
    checkWallMs.push(check.wallMs);
    const all = check.result;
    assert.equal(
      all.filter((r) => !r.ok).map((r) => r.law),
      [law],
      `seed ${seed}: only "${law}" fails`,
    );
    assert.is(all.find((r) => r.law === law)?.counterexample, failed?.counterexample, 'the same catch');
  }
  return { caught, lawMs: mean(lawMs), checkMs: mean(checkMs), checkWallMs: mean(checkWallMs), shrunk, example };
};

const report = (what: string, depth: number, r: SeedsReport, minimal: number): void => {
  const atMinimal = r.shrunk.filter((n) => n === minimal).length;
  // A line of its own (uvu's dots do not end theirs), so the test runner shows it.
  console.log(
    `\nNOTE law depth: ${what} bug at depth ${depth} caught in ${r.caught} of ${SEEDS} seeds, ` +
      `mean ${r.checkMs.toFixed(1)} ms per check (CPU time of all laws over ${FULL_CHECK_SEEDS} seeds, wall ${r.checkWallMs.toFixed(1)} ms; ` +
      `the failing law alone ${r.lawMs.toFixed(1)} ms), ` +
      `shrunk to the minimal ${minimal} commands in ${atMinimal} of ${r.caught}` +
      (atMinimal === r.caught ? '' : ` (lengths ${[...new Set(r.shrunk)].sort((a, b) => a - b).join(', ')})`),
  );
};

/** The numbered one-command-per-line layout of a long shrunk sequence. */
const assertNumberedLayout = (text: string, length: number, command: string): void => {
  assert.ok(text.includes(`shrunk command sequence (${length}):\n  #0 `), text);
  assert.ok(text.includes(`\n  #${length - 1} ${command}\n`), text);
  assert.not.ok(text.includes(`\n  #${length} `), text);
};

// --- the specs -----------------------------------------------------------------------------

for (const depth of DEPTHS) {
  test(`an invariant broken only by the increment #${depth + 1} is caught in every seed`, () => {
    const r = overSeeds(() => counter, counterBrokenAt(depth), 'invariants hold in every reachable state');
    report('invariant', depth, r, depth + 1);
    assert.is(r.caught, SEEDS);
    // Shrinking still works on long sequences: down to the increments the bug needs, no jam left.
    for (const n of r.shrunk) assert.is(n, depth + 1);
    assertNumberedLayout(r.example, depth + 1, '{"type":"Increment"}');
    assert.ok(r.example.includes(`invariant: "the count stays at most ${depth}"`), r.example);
    assert.ok(r.checkMs < MAX_MEAN_MS_PER_CHECK, `${r.checkMs} ms per check`);
  });

  test(`a decide that stops being deterministic after ${depth} deposits is caught in every seed`, () => {
    const r = overSeeds(() => account(depth), accountOptions, 'decide is deterministic');
    report('nondeterminism', depth, r, depth + 1);
    assert.is(r.caught, SEEDS);
    // Down to the deposits the bug needs: no withdrawal left.
    for (const n of r.shrunk) assert.is(n, depth + 1);
    assertNumberedLayout(r.example, depth + 1, '{"type":"Deposit","amount":5n}');
    assert.ok(r.example.includes('"receipt":'), r.example);
    assert.ok(r.checkMs < MAX_MEAN_MS_PER_CHECK, `${r.checkMs} ms per check`);
  });
}

test('a transition invariant catches a library that lends a lent book again after 12 loans', () => {
  const depth = 12;
  const r = overSeeds(() => library(depth), libraryOptions, 'transition invariants hold on every accepted command');
  // 12 loans of three books need 9 returns between them, then one book lent again: 22 commands.
  const minimal = depth + (depth - 3) + 1;
  report('transition', depth, r, minimal);
  assert.is(r.caught, SEEDS);
  for (const n of r.shrunk) assert.is(n, minimal);
  assert.ok(r.example.includes('invariant: "a lent book is not lent again"'), r.example);
  assert.ok(r.example.includes('transition invariant "a lent book is not lent again" does not hold on command #'));
  assert.ok(r.checkMs < MAX_MEAN_MS_PER_CHECK, `${r.checkMs} ms per check`);
});

// --- correct deciders pass, and the notes show the depth reached --------------------------------

const noteNumbers = (result: LawResult) => {
  const note = result.note ?? '';
  const lengths = /command sequences of mean length ([\d.]+), max (\d+) \(maxCommands (\d+)\)/.exec(note);
  const states = /(at least )?(\d+) distinct states reached/.exec(note);
  assert.ok(lengths && states, `${result.law}: ${note}`);
  return {
    mean: Number(lengths?.[1]),
    max: Number(lengths?.[2]),
    maxCommands: Number(lengths?.[3]),
    states: Number(states?.[2]),
  };
};

test('correct deciders pass every law with the default options, and every note shows how deep the runs went', () => {
  const checks: ReadonlyArray<[string, () => ReadonlyArray<LawResult>, number]> = [
    [
      'counter',
      () =>
        deciderLawResults(counter, {
          commands: counterCommands,
          invariants: [{ description: 'the count is never negative', holds: (s) => s.count >= 0 }],
          seed: 7,
        }),
      40,
    ],
    ['account', () => deciderLawResults(account(Infinity), { ...accountOptions, seed: 7 }), 40],
    ['library', () => deciderLawResults(library(Infinity), { ...libraryOptions, seed: 7 }), 8],
  ];
  for (const [name, run, minStates] of checks) {
    const results = run();
    for (const r of results) {
      if (r.skipped !== undefined) {
        // None of them has isTerminal; only the library has transition invariants.
        const expected =
          r.law === 'terminal states accept nothing'
            ? 'the decider has no isTerminal'
            : name !== 'library' && r.law === 'transition invariants hold on every accepted command'
              ? 'no transition invariants given'
              : undefined;
        assert.is(r.skipped, expected, `${name}: ${r.law} skipped`);
        continue;
      }
      assert.ok(r.ok, `${name}: ${r.law}: ${r.counterexample ?? ''}`);
      const n = noteNumbers(r);
      assert.is(n.maxCommands, DEFAULT_MAX_COMMANDS);
      // Uniform lengths up to 80 over 100 runs: long sequences are there, short ones too.
      assert.ok(n.max >= DEFAULT_MAX_COMMANDS * 0.75, `${name}: ${r.note}`);
      assert.ok(n.mean >= DEFAULT_MAX_COMMANDS * 0.3 && n.mean <= DEFAULT_MAX_COMMANDS * 0.6, `${name}: ${r.note}`);
      assert.ok(n.states >= minStates, `${name}: ${r.note}`);
    }
  }
  const transitions = deciderLawResults(library(Infinity), { ...libraryOptions, seed: 7 }).find(
    (r) => r.law === 'transition invariants hold on every accepted command',
  );
  assert.match(
    transitions?.note ?? '',
    /^2 transition invariant\(s\) checked on [1-9]\d* accepted command\(s\); some command was accepted in [1-9]\d* of 100 runs; /,
  );
});

test('a check of a small decider stays well under a second', () => {
  const runs = 20;
  const cpuMs: number[] = [];
  const wallMs: number[] = [];
  for (let seed = 1; seed <= runs; seed++) {
    const check = timed(() => deciderLawResults(account(Infinity), { ...accountOptions, seed }));
    cpuMs.push(check.cpuMs);
    wallMs.push(check.wallMs);
    assert.ok(check.result.every((r) => r.ok));
  }
  console.log(
    `\nNOTE law depth: a passing check of the correct account (6 laws, default options) takes mean ` +
      `${mean(cpuMs).toFixed(1)} ms (CPU time, ${runs} seeds; wall ${mean(wallMs).toFixed(1)} ms)`,
  );
  assert.ok(mean(cpuMs) < MAX_MEAN_MS_PER_CHECK, `${mean(cpuMs)} ms per check`);
});

test.run();
