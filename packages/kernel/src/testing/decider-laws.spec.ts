import * as fc from 'fast-check';
import * as E from 'fp-ts/Either';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { accept, type Decider, reject } from '../decider/decider';
import { domainError } from '../model/errors';
import { type ProcessManager, sagaActions } from '../sagas/process-manager';
import {
  checkDeciderLaws,
  type DeciderLawName,
  deciderLawNames,
  deciderLawProperty,
  deciderLawResults,
  DEFAULT_MAX_COMMANDS,
  LAW_DISTINCT_STATES_CAP,
  type LawResult,
  LawViolation,
  type TransitionInvariant,
} from './decider-laws';
import {
  account,
  type AccountCommand,
  accountCommands,
  type AccountEvent,
  accountInvariants,
  type AccountState,
} from './fixtures/bank-account';

type Account = Decider<AccountCommand, AccountEvent, AccountState>;

const options = { commands: accountCommands, invariants: accountInvariants };

/** Rules about steps, not states: checked by the transition law when given. */
const accountTransitions: ReadonlyArray<TransitionInvariant<AccountCommand, AccountEvent, AccountState>> = [
  {
    description: 'a deposit raises the balance by its amount',
    holds: (before, command, _events, after) =>
      command.type !== 'Deposit' || after.balance === before.balance + command.amount,
  },
  {
    description: 'an accepted command emits at least one event',
    holds: (_before, _command, events) => events.length > 0,
  },
];

/** The part every passing note ends with: how long the sequences were, how many states they reached. */
const depthNote =
  /; command sequences of mean length \d+\.\d, max (\d+) \(maxCommands (\d+)\); (at least )?(\d+) distinct states reached$/;

const resultOf = (results: ReadonlyArray<LawResult>, law: DeciderLawName): LawResult => {
  const found = results.find((r) => r.law === law);
  if (found === undefined) throw new Error(`no result for ${law}`);
  return found;
};

/** Asserts that exactly `law` fails and that its counterexample contains every fragment. */
const onlyFails = (results: ReadonlyArray<LawResult>, law: DeciderLawName, fragments: ReadonlyArray<string>) => {
  for (const r of results) {
    if (r.law === law) continue;
    assert.ok(r.ok, `law "${r.law}" should hold, but: ${r.counterexample ?? ''}`);
  }
  const failed = resultOf(results, law);
  assert.is(failed.ok, false, `law "${law}" should fail`);
  const text = failed.counterexample ?? '';
  for (const fragment of [`law "${law}" failed`, 'shrunk command sequence', 'replay: seed ', 'path "', ...fragments]) {
    assert.ok(text.includes(fragment), `counterexample should contain ${fragment}:\n${text}`);
  }
};

// --- the correct decider -------------------------------------------------------------------

test('a correct decider passes every law, and the passes are not vacuous', () => {
  const results = deciderLawResults(account, { ...options, transitions: accountTransitions });
  assert.equal(
    results.map((r) => r.law),
    deciderLawNames,
  );
  for (const r of results) assert.ok(r.ok && r.skipped === undefined, `${r.law}: ${r.counterexample ?? r.skipped}`);
  assert.match(resultOf(results, 'terminal states accept nothing').note ?? '', /reached in [1-9]\d* of 100 runs/);
  assert.match(resultOf(results, 'a rejected command yields no events').note ?? '', /occurred in [1-9]\d* of 100 runs/);
  assert.match(resultOf(results, 'invariants hold in every reachable state').note ?? '', /2 invariant\(s\) checked/);
  assert.match(
    resultOf(results, 'decide is deterministic').note ?? '',
    /^[1-9]\d* command\(s\) decided twice over 100 runs; /,
  );
  assert.match(
    resultOf(results, 'transition invariants hold on every accepted command').note ?? '',
    /^2 transition invariant\(s\) checked on [1-9]\d* accepted command\(s\); some command was accepted in [1-9]\d* of 100 runs; /,
  );
  // Every note says how deep the runs went: the sequences reach maxCommands, many states are seen.
  for (const r of results) {
    const depth = depthNote.exec(r.note ?? '');
    assert.ok(depth, `${r.law}: ${r.note}`);
    assert.is(Number(depth?.[2]), DEFAULT_MAX_COMMANDS);
    assert.ok(Number(depth?.[1]) >= DEFAULT_MAX_COMMANDS * 0.75, `${r.law}: ${r.note}`);
    assert.ok(Number(depth?.[4]) >= 20, `${r.law}: ${r.note}`);
  }
  checkDeciderLaws(account, options); // does not throw
});

test("maxCommands is honoured as given, not capped by fast-check's default size", () => {
  // Before, sequences never grew past about 10 commands whatever maxCommands said.
  for (const maxCommands of [5, 30, 120]) {
    const note = resultOf(
      deciderLawResults(account, { ...options, maxCommands, seed: 1 }),
      'decide is deterministic',
    ).note;
    const depth = depthNote.exec(note ?? '');
    assert.ok(depth, note);
    assert.is(Number(depth?.[2]), maxCommands);
    assert.ok(Number(depth?.[1]) <= maxCommands, note);
    assert.ok(Number(depth?.[1]) >= maxCommands * 0.75, note);
  }
});

test('the distinct states are counted up to a cap, then reported as "at least"', () => {
  type Sum = Decider<number, number, number>;
  const sum: Sum = { initialState: 0, decide: (n) => accept(n), evolve: (s, n) => s + n };
  const commands = fc.integer({ min: 1, max: 1_000_000_000 });
  const few = resultOf(deciderLawResults(sum, { commands, numRuns: 10, seed: 3 }), 'decide is deterministic');
  assert.match(few.note ?? '', /; ([1-9]\d*) distinct states reached$/);
  assert.not.match(few.note ?? '', /at least/);
  const many = resultOf(deciderLawResults(sum, { commands, numRuns: 600, seed: 3 }), 'decide is deterministic');
  assert.ok(many.note?.endsWith(`; at least ${LAW_DISTINCT_STATES_CAP} distinct states reached`), many.note);
});

test('numRuns and skip are honoured; a decider without isTerminal skips the terminal law', () => {
  const { isTerminal: _ignored, ...noTerminal } = account;
  const results = deciderLawResults(noTerminal, {
    ...options,
    numRuns: 7,
    skip: { 'decide is deterministic': 'checked elsewhere' },
  });
  assert.equal(resultOf(results, 'decide is deterministic'), {
    law: 'decide is deterministic',
    ok: true,
    skipped: 'checked elsewhere',
  });
  assert.equal(resultOf(results, 'terminal states accept nothing').skipped, 'the decider has no isTerminal');
  assert.match(resultOf(results, 'a rejected command yields no events').note ?? '', /of 7 runs/);
});

// --- five deliberately broken deciders, each breaking one law ---------------------------------

test('law 1 fails for a decide with hidden state: a rate limiter in the closure refuses every second call', () => {
  let calls = 0;
  const rateLimited: Account = {
    ...account,
    decide: (command, state) =>
      ++calls % 2 === 0 ? reject(domainError('rate_limited', 'slow down')) : account.decide(command, state),
  };
  const results = deciderLawResults(rateLimited, options);
  // Any single command already shows it; fast-check shrinks to a one-command sequence.
  onlyFails(results, 'decide is deterministic', ['shrunk command sequence (1)', 'decided twice', 'rate_limited']);
});

test('law 2 fails for a decide that writes the attempted overdraft into the state before rejecting', () => {
  const leaky: Account = {
    ...account,
    decide: (command, state) => {
      if (command.type === 'Withdraw' && state.status === 'open' && command.amount > state.balance) {
        (state as { balance: bigint }).balance -= command.amount; // the bug
      }
      return account.decide(command, state);
    },
  };
  const results = deciderLawResults(leaky, options);
  onlyFails(results, 'a rejected command yields no events', [
    'shrunk command sequence (2): [{"type":"Open"},{"type":"Withdraw","amount":1n}]',
    'changed the state it was decided in',
    'before {"status":"open","balance":0n}, after {"status":"open","balance":-1n}',
  ]);
});

test('law 3 fails for an evolve that reads a mutable module variable', () => {
  // A "loyalty bonus" counted by the process, not by the stream: replaying the same events
  // gives another balance than applying them once.
  let depositsApplied = 0n;
  const impure: Account = {
    ...account,
    evolve: (state, event) => {
      if (event.type !== 'Deposited') return account.evolve(state, event);
      depositsApplied += 1n;
      return { ...state, balance: state.balance + event.amount + depositsApplied };
    },
  };
  const results = deciderLawResults(impure, options);
  onlyFails(results, 'folding all accepted events equals the state tracked step by step', [
    'shrunk command sequence (2): [{"type":"Open"},{"type":"Deposit","amount":1n}]',
    'the state tracked step by step is',
    'from the initial state gives',
  ]);
});

test('law 3 also fails for an evolve that updates the state in place (it would corrupt initialState)', () => {
  const inPlace: Account = {
    ...account,
    evolve: (state, event) => {
      if (event.type !== 'Deposited') return account.evolve(state, event);
      (state as { balance: bigint }).balance += event.amount;
      return state;
    },
  };
  const results = deciderLawResults(inPlace, options);
  onlyFails(results, 'folding all accepted events equals the state tracked step by step', [
    'evolve changed the state it received',
  ]);
});

test('law 4 fails, naming the invariant, for a withdrawal that skips the funds check', () => {
  const overdraft: Account = {
    ...account,
    decide: (command, state) =>
      command.type === 'Withdraw' && state.status === 'open' && command.amount > 0n
        ? accept({ type: 'Withdrawn', amount: command.amount })
        : account.decide(command, state),
  };
  const results = deciderLawResults(overdraft, options);
  onlyFails(results, 'invariants hold in every reachable state', [
    'shrunk command sequence (2): [{"type":"Open"},{"type":"Withdraw","amount":1n}]',
    'invariant: "the balance is never negative"',
    '{"status":"open","balance":-1n}',
  ]);
});

test('law 5 fails for a closed account that accepts Close again', () => {
  const reopenable: Account = {
    ...account,
    decide: (command, state) =>
      command.type === 'Close' && state.status === 'closed'
        ? accept({ type: 'Closed' }) // the bug: the check was `status !== 'new'`
        : account.decide(command, state),
  };
  const results = deciderLawResults(reopenable, options);
  // Shrinks to [Open, Close, Close], or to [Open, Close] with the probe [Close]: either way the
  // sequence opens and closes, and the terminal state accepts Close.
  onlyFails(results, 'terminal states accept nothing', [
    'shrunk command sequence',
    '[{"type":"Open"},{"type":"Close"}',
    'is terminal ({"status":"closed","balance":0n})',
    '{"type":"Close"} was accepted with events [{"type":"Closed"}]',
  ]);
  const text = resultOf(results, 'terminal states accept nothing').counterexample ?? '';
  assert.ok(
    text.includes('(3): [{"type":"Open"},{"type":"Close"},{"type":"Close"}]') ||
      (text.includes('(2): [{"type":"Open"},{"type":"Close"}]') &&
        text.includes('the probe {"type":"Close"} was accepted')),
    text,
  );
});

test('an accepted no-op in a terminal state counts as accepting', () => {
  const silent: Account = {
    ...account,
    decide: (command, state) => (state.status === 'closed' ? accept() : account.decide(command, state)),
  };
  const r = resultOf(deciderLawResults(silent, options), 'terminal states accept nothing');
  assert.is(r.ok, false);
  assert.ok(r.counterexample?.includes('accepted with events []'), r.counterexample);
});

test('a decide that throws fails the law with the thrown error in the counterexample', () => {
  const throwing: Account = {
    ...account,
    decide: (command, state) => {
      if (command.type === 'Close') throw new TypeError('boom');
      return account.decide(command, state);
    },
  };
  const r = resultOf(deciderLawResults(throwing, options), 'decide is deterministic');
  assert.is(r.ok, false);
  assert.ok(r.counterexample?.includes('threw TypeError: boom'), r.counterexample);
  assert.ok(r.counterexample?.includes('shrunk command sequence (1): [{"type":"Close"}]'), r.counterexample);
});

test('checkDeciderLaws throws LawViolation listing every failing law', () => {
  let depositsApplied = 0n;
  const twiceBroken: Account = {
    ...account,
    decide: (command, state) =>
      command.type === 'Withdraw' && state.status === 'open' && command.amount > 0n
        ? accept({ type: 'Withdrawn', amount: command.amount })
        : account.decide(command, state),
    evolve: (state, event) => {
      if (event.type !== 'Deposited') return account.evolve(state, event);
      depositsApplied += 1n;
      return { ...state, balance: state.balance + event.amount + depositsApplied };
    },
  };
  try {
    checkDeciderLaws(twiceBroken, options);
    assert.unreachable('should have thrown');
  } catch (error) {
    assert.instance(error, LawViolation);
    const violation = error as LawViolation;
    assert.match(violation.message, /^2 of 6 decider laws failed/);
    assert.ok(violation.message.includes('"invariants hold in every reachable state"'));
    assert.ok(violation.message.includes('"folding all accepted events equals the state tracked step by step"'));
    assert.ok(violation.message.includes('shrunk command sequence'));
    assert.equal(
      violation.results.filter((r) => !r.ok).map((r) => r.law),
      ['folding all accepted events equals the state tracked step by step', 'invariants hold in every reachable state'],
    );
  }
});

test('a failure replays: the same seed gives the same counterexample, and seed + path replay with fc.assert', () => {
  const overdraft: Account = {
    ...account,
    decide: (command, state) =>
      command.type === 'Withdraw' && state.status === 'open' && command.amount > 0n
        ? accept({ type: 'Withdrawn', amount: command.amount })
        : account.decide(command, state),
  };
  const law = 'invariants hold in every reachable state';
  const first = resultOf(deciderLawResults(overdraft, { ...options, seed: 4242 }), law).counterexample ?? '';
  const second = resultOf(deciderLawResults(overdraft, { ...options, seed: 4242 }), law).counterexample ?? '';
  assert.is(first, second);
  const replay = /replay: seed (-?\d+), path "([^"]*)"/.exec(first);
  assert.ok(replay, first);
  assert.is(replay?.[1], '4242');
  try {
    fc.assert(deciderLawProperty(overdraft, law, options), {
      seed: Number(replay?.[1]),
      path: replay?.[2] ?? '',
      endOnFailure: true,
    });
    assert.unreachable('the replay should fail');
  } catch (error) {
    // fast-check attaches the property's own error as the cause.
    const cause = (error as { cause?: unknown }).cause;
    assert.instance(cause, Error);
    assert.match((cause as Error).message, /invariant "the balance is never negative" does not hold/);
    assert.match(String(error), /Shrunk 0 time\(s\)/); // the path led straight to the shrunk case
  }
});

test('a custom state equality is used for the state laws', () => {
  // Treats every state as equal: the in-place law-2 bug can no longer be seen.
  const leaky: Account = {
    ...account,
    decide: (command, state) => {
      if (command.type === 'Withdraw' && state.status === 'open' && command.amount > state.balance) {
        (state as { balance: bigint }).balance -= command.amount;
      }
      return account.decide(command, state);
    },
  };
  const results = deciderLawResults(leaky, { ...options, equals: () => true });
  assert.ok(resultOf(results, 'a rejected command yields no events').ok);
});

// --- the transition law ----------------------------------------------------------------------

test('law 6 fails, naming the transition invariant, for a deposit that credits one unit too many', () => {
  const generous: Account = {
    ...account,
    decide: (command, state) =>
      command.type === 'Deposit' && state.status === 'open' && command.amount > 0n
        ? accept({ type: 'Deposited', amount: command.amount + 1n })
        : account.decide(command, state),
  };
  const results = deciderLawResults(generous, { ...options, transitions: accountTransitions });
  onlyFails(results, 'transition invariants hold on every accepted command', [
    'shrunk command sequence (2): [{"type":"Open"},{"type":"Deposit","amount":1n}]',
    'invariant: "a deposit raises the balance by its amount"',
    'transition invariant "a deposit raises the balance by its amount" does not hold on command #1 {"type":"Deposit","amount":1n} in the state {"status":"open","balance":0n}, accepted with events [{"type":"Deposited","amount":2n}], leading to {"status":"open","balance":2n}',
  ]);
});

test('law 6 judges accepted commands only, and a throwing transition invariant fails it', () => {
  let judged = 0;
  const rejectionsSeen: TransitionInvariant<AccountCommand, AccountEvent, AccountState> = {
    description: 'never called with a rejection',
    holds: (before, command) => {
      judged += 1;
      return E.isRight(account.decide(command, before));
    },
  };
  const passed = resultOf(
    deciderLawResults(account, { ...options, transitions: [rejectionsSeen] }),
    'transition invariants hold on every accepted command',
  );
  assert.ok(passed.ok, passed.counterexample);
  assert.ok(judged > 0);
  const throwing: TransitionInvariant<AccountCommand, AccountEvent, AccountState> = {
    description: 'looks at a field that is not there',
    holds: (_before, command) => {
      if (command.type === 'Close') throw new RangeError('no such field');
      return true;
    },
  };
  const failed = resultOf(
    deciderLawResults(account, { ...options, transitions: [throwing] }),
    'transition invariants hold on every accepted command',
  );
  assert.is(failed.ok, false);
  assert.ok(
    failed.counterexample?.includes(
      'transition invariant "looks at a field that is not there" threw "RangeError: no such field"',
    ),
    failed.counterexample,
  );
  assert.ok(failed.counterexample?.includes('(2): [{"type":"Open"},{"type":"Close"}]'), failed.counterexample);
});

test('a long shrunk sequence prints one numbered command per line', () => {
  // The balance may not exceed 3: four deposits of 1 are the shortest counterexample.
  const results = deciderLawResults(account, {
    ...options,
    invariants: [{ description: 'the balance stays at most 3', holds: (s) => s.balance <= 3n }],
    commands: fc.oneof(
      fc.constant<AccountCommand>({ type: 'Open' }),
      fc.record({ type: fc.constant('Deposit' as const), amount: fc.bigInt({ min: 1n, max: 1n }) }),
    ),
  });
  const text = resultOf(results, 'invariants hold in every reachable state').counterexample ?? '';
  assert.ok(
    text.includes(
      [
        'shrunk command sequence (5):',
        '  #0 {"type":"Open"}',
        '  #1 {"type":"Deposit","amount":1n}',
        '  #2 {"type":"Deposit","amount":1n}',
        '  #3 {"type":"Deposit","amount":1n}',
        '  #4 {"type":"Deposit","amount":1n}',
        'invariant: "the balance stays at most 3"',
      ].join('\n'),
    ),
    text,
  );
});

// --- sagas are deciders over their inputs ---------------------------------------------------

type PaymentInput =
  | { readonly type: 'OrderPlaced'; readonly orderId: string; readonly amount: number }
  | { readonly type: 'PaymentAuthorized'; readonly orderId: string }
  | { readonly type: 'PaymentDeclined'; readonly orderId: string }
  | { readonly type: 'PaymentTimedOut'; readonly orderId: string };
type PaymentSagaEvent =
  | { readonly type: 'PaymentRequested'; readonly orderId: string; readonly amount: number }
  | { readonly type: 'SagaCompleted'; readonly orderId: string }
  | { readonly type: 'SagaCancelled'; readonly orderId: string; readonly reason: string };
type PaymentSagaState = { readonly stage: 'idle' | 'awaiting_payment' | 'completed' | 'cancelled' };
type PaymentCommand = { readonly type: 'AuthorizePayment'; readonly orderId: string; readonly amount: number };

const paymentSaga: ProcessManager<PaymentInput, PaymentSagaEvent, PaymentSagaState, PaymentCommand> = {
  name: 'payment',
  initialState: { stage: 'idle' },
  correlate: (input) => input.orderId,
  isTerminal: (s) => s.stage === 'completed' || s.stage === 'cancelled',
  decide: (input, state) => {
    if (state.stage === 'completed' || state.stage === 'cancelled') {
      return reject(domainError('saga_ended', `the saga already ended (${state.stage})`));
    }
    switch (input.type) {
      case 'OrderPlaced':
        // A duplicate delivery while waiting is absorbed as a no-op.
        return state.stage === 'idle'
          ? accept({ type: 'PaymentRequested', orderId: input.orderId, amount: input.amount })
          : accept();
      case 'PaymentAuthorized':
        return state.stage === 'awaiting_payment'
          ? accept({ type: 'SagaCompleted', orderId: input.orderId })
          : reject(domainError('unexpected_input', 'no payment requested yet'));
      case 'PaymentDeclined':
      case 'PaymentTimedOut':
        return state.stage === 'awaiting_payment'
          ? accept({ type: 'SagaCancelled', orderId: input.orderId, reason: input.type })
          : reject(domainError('unexpected_input', 'no payment requested yet'));
    }
  },
  evolve: (_state, event) => {
    switch (event.type) {
      case 'PaymentRequested':
        return { stage: 'awaiting_payment' };
      case 'SagaCompleted':
        return { stage: 'completed' };
      case 'SagaCancelled':
        return { stage: 'cancelled' };
    }
  },
  react: (event) =>
    event.type === 'PaymentRequested'
      ? [
          {
            kind: 'send',
            commandId: `authorize-${event.orderId}`,
            command: { type: 'AuthorizePayment', orderId: event.orderId, amount: event.amount },
          },
          {
            kind: 'schedule',
            timeoutId: `timeout-${event.orderId}`,
            dueAt: '2030-01-01T00:00:00.000Z',
            input: { type: 'PaymentTimedOut', orderId: event.orderId },
          },
        ]
      : event.type === 'SagaCompleted'
        ? [{ kind: 'cancel', timeoutId: `timeout-${event.orderId}` }]
        : [],
};

const paymentInputs: fc.Arbitrary<PaymentInput> = fc.oneof(
  fc.record({ type: fc.constant('OrderPlaced' as const), orderId: fc.constant('o1'), amount: fc.nat(100) }),
  fc.record({ type: fc.constant('PaymentAuthorized' as const), orderId: fc.constant('o1') }),
  fc.record({ type: fc.constant('PaymentDeclined' as const), orderId: fc.constant('o1') }),
  fc.record({ type: fc.constant('PaymentTimedOut' as const), orderId: fc.constant('o1') }),
);

test('a ProcessManager is checked as it is: the saga passes every law, terminal states included', () => {
  const results = deciderLawResults(paymentSaga, {
    commands: paymentInputs,
    invariants: [{ description: 'the stage is known', holds: (s) => typeof s.stage === 'string' }],
    transitions: [
      {
        description: 'an accepted input never leaves the saga idle',
        holds: (_b, _i, _e, after) => after.stage !== 'idle',
      },
    ],
  });
  for (const r of results) assert.ok(r.ok && r.skipped === undefined, `${r.law}: ${r.counterexample ?? r.skipped}`);
  // And its reactions are what the host dispatches.
  const started = paymentSaga.decide({ type: 'OrderPlaced', orderId: 'o1', amount: 5 }, paymentSaga.initialState);
  assert.ok(E.isRight(started));
  if (E.isRight(started)) {
    assert.equal(
      sagaActions(paymentSaga, started.right).map((a) => a.kind),
      ['send', 'schedule'],
    );
  }
});

test('a saga that accepts a late answer after it ended fails the terminal law', () => {
  const lateAccepting: typeof paymentSaga = {
    ...paymentSaga,
    decide: (input, state) =>
      state.stage === 'cancelled' && input.type === 'PaymentAuthorized'
        ? accept({ type: 'SagaCompleted', orderId: input.orderId })
        : paymentSaga.decide(input, state),
  };
  const r = resultOf(deciderLawResults(lateAccepting, { commands: paymentInputs }), 'terminal states accept nothing');
  assert.is(r.ok, false);
  assert.ok(r.counterexample?.includes('"stage":"cancelled"'), r.counterexample);
  assert.ok(r.counterexample?.includes('{"type":"PaymentAuthorized","orderId":"o1"}'), r.counterexample);
});

test.run();
