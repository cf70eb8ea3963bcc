import * as E from 'fp-ts/Either';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { accept, combineDeciders, type Decider, domainError, fold, reject, runCommands } from '../index';

type CounterCommand = { type: 'Add'; amount: number } | { type: 'Close' };
type CounterEvent = { type: 'Added'; amount: number } | { type: 'Closed' };
type CounterState = { total: number; closed: boolean };

const counter: Decider<CounterCommand, CounterEvent, CounterState> = {
  initialState: { total: 0, closed: false },
  decide: (c, s) => {
    if (s.closed) return reject(domainError('closed', 'counter is closed'));
    return c.type === 'Add' ? accept({ type: 'Added', amount: c.amount }) : accept({ type: 'Closed' });
  },
  evolve: (s, e) => (e.type === 'Added' ? { ...s, total: s.total + e.amount } : { ...s, closed: true }),
  isTerminal: (s) => s.closed,
};

test('fold applies events in order from the initial state', () => {
  const s = fold(counter, [
    { type: 'Added', amount: 2 },
    { type: 'Added', amount: 3 },
  ]);
  assert.equal(s, { total: 5, closed: false });
});

test('fold gives the same state, in the same order, for an array and any other iterable', () => {
  // The state records the order of the amounts, so a reordering or a skipped event would show.
  const ordered: Decider<never, CounterEvent, ReadonlyArray<number>> = {
    initialState: [],
    decide: () => accept(),
    evolve: (s, e) => (e.type === 'Added' ? [...s, e.amount] : s),
  };
  const events: CounterEvent[] = [
    { type: 'Added', amount: 3 },
    { type: 'Closed' },
    { type: 'Added', amount: 1 },
    { type: 'Added', amount: 2 },
  ];
  function* generated() {
    yield* events;
  }
  assert.equal(fold(ordered, events), [3, 1, 2]);
  assert.equal(fold(ordered, generated()), [3, 1, 2]);
  assert.equal(fold(ordered, new Set(events), [9]), [9, 3, 1, 2]);
  assert.equal(fold(ordered, []), []);
});

test('runCommands stops at the first rejection', () => {
  const r = runCommands(counter, [{ type: 'Close' }, { type: 'Add', amount: 1 }]);
  assert.ok(E.isLeft(r));
  if (E.isLeft(r)) assert.is(r.left.code, 'closed');
});

test('combineDeciders routes commands and events to their own decider', () => {
  const both = combineDeciders(counter, counter, {
    isLeftCommand: (c): c is CounterCommand => c.type === 'Add',
    isLeftEvent: (e): e is CounterEvent => e.type === 'Added',
  });
  const r = runCommands(both, [{ type: 'Add', amount: 4 }, { type: 'Close' }]);
  assert.ok(E.isRight(r));
  if (E.isRight(r)) {
    assert.equal(r.right.state[0], { total: 4, closed: false });
    assert.equal(r.right.state[1], { total: 0, closed: true });
  }
});

test.run();
