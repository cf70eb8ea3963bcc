import * as E from 'fp-ts/Either';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { accept, adaptDecider, combineDeciders, type Decider, decideAndEvolve, fold, reject } from './decider';
import { domainError } from '../model/errors';
import { checkDeciderLaws } from '../testing/decider-laws';
import {
  account,
  accountCommands,
  type AccountEvent,
  accountInvariants,
  type AccountState,
} from '../testing/fixtures/bank-account';
import * as fc from 'fast-check';

// The account embedded in a larger "customer" boundary: commands and events are wrapped, the
// account state is one field of the customer state.
type CustomerCommand =
  | { readonly type: 'Account'; readonly inner: Parameters<typeof account.decide>[0] }
  | { readonly type: 'Rename'; readonly name: string };
type CustomerEvent =
  | { readonly type: 'AccountEvent'; readonly inner: Parameters<typeof account.evolve>[1] }
  | { readonly type: 'Renamed'; readonly name: string };
interface CustomerState {
  readonly name: string;
  readonly account: AccountState;
}

let stateOutPrevious: CustomerState | undefined;
const customerAccount: Decider<CustomerCommand, CustomerEvent, CustomerState> = adaptDecider(account, {
  command: (c: CustomerCommand) => (c.type === 'Account' ? c.inner : undefined),
  eventIn: (e: CustomerEvent) => (e.type === 'AccountEvent' ? e.inner : undefined),
  eventOut: (inner): CustomerEvent => ({ type: 'AccountEvent', inner }),
  stateIn: (s: CustomerState) => s.account,
  stateOut: (inner, previous: CustomerState) => {
    stateOutPrevious = previous;
    return { ...previous, account: inner };
  },
  initialState: { name: 'anonymous', account: account.initialState },
  unhandled: (c) => domainError('unhandled', `the account does not handle ${c.type}`),
});

test('adaptDecider maps commands in and events out', () => {
  const r = customerAccount.decide({ type: 'Account', inner: { type: 'Open' } }, customerAccount.initialState);
  assert.equal(r, E.right([{ type: 'AccountEvent', inner: { type: 'Opened' } }]));
});

test('adaptDecider rejects commands the mapping does not route, with the unhandled error', () => {
  const r = customerAccount.decide({ type: 'Rename', name: 'Ada' }, customerAccount.initialState);
  assert.equal(r, E.left(domainError('unhandled', 'the account does not handle Rename')));
});

test('adaptDecider passes inner rejections through unchanged', () => {
  const r = customerAccount.decide({ type: 'Account', inner: { type: 'Close' } }, customerAccount.initialState);
  assert.ok(E.isLeft(r) && r.left.code === 'not_open');
});

test('adaptDecider evolves only mapped events and keeps the rest of the outer state', () => {
  const named: CustomerState = { name: 'Ada', account: account.initialState };
  const opened = customerAccount.evolve(named, { type: 'AccountEvent', inner: { type: 'Opened' } });
  assert.equal(opened, { name: 'Ada', account: { status: 'open', balance: 0n } });
  assert.is(stateOutPrevious, named, 'stateOut receives the previous outer state');
  const unrelated = customerAccount.evolve(opened, { type: 'Renamed', name: 'Bob' });
  assert.is(unrelated, opened, 'an event the inner decider does not know leaves the state as it is');
});

test('adaptDecider maps isTerminal, and leaves it out when the inner decider has none', () => {
  const closed: CustomerState = { name: 'x', account: { status: 'closed', balance: 0n } };
  assert.is(customerAccount.isTerminal?.(closed), true);
  assert.is(customerAccount.isTerminal?.(customerAccount.initialState), false);
  const { isTerminal: _none, ...withoutTerminal } = account;
  const adapted = adaptDecider(withoutTerminal, {
    command: (c: string) => (c === 'open' ? ({ type: 'Open' } as const) : undefined),
    eventIn: (e: string) => (e === 'opened' ? ({ type: 'Opened' } as const) : undefined),
    eventOut: (e) => e.type,
    stateIn: (s: AccountState) => s,
    stateOut: (s) => s,
    initialState: account.initialState,
    unhandled: () => domainError('unhandled', 'no'),
  });
  assert.not.ok('isTerminal' in adapted);
  assert.equal(adapted.decide('open', adapted.initialState), E.right(['Opened']));
});

test('an adapted decider still satisfies the decider laws', () => {
  const commands = fc.oneof(
    accountCommands.map((inner): CustomerCommand => ({ type: 'Account', inner })),
    fc.constant<CustomerCommand>({ type: 'Rename', name: 'Ada' }),
  );
  checkDeciderLaws(customerAccount, {
    commands,
    invariants: accountInvariants.map((i) => ({
      description: i.description,
      holds: (s: CustomerState) => i.holds(s.account),
    })),
    numRuns: 50,
  });
});

test('decideAndEvolve answers the events and the state after them, or the rejection', () => {
  const history: AccountEvent[] = [{ type: 'Opened' }, { type: 'Deposited', amount: 4n }];
  const opened = fold(account, history);
  const r = decideAndEvolve(account, { type: 'Close' }, opened);
  assert.equal(
    r,
    E.right({
      events: [{ type: 'Withdrawn', amount: 4n }, { type: 'Closed' }],
      state: { status: 'closed', balance: 0n },
    }),
  );
  assert.ok(E.isLeft(decideAndEvolve(account, { type: 'Close' }, account.initialState)));
});

test('fold starts from a given state when asked', () => {
  const from: AccountState = { status: 'open', balance: 10n };
  const withdrawn: AccountEvent = { type: 'Withdrawn', amount: 3n };
  assert.equal(fold(account, [withdrawn], from), { status: 'open', balance: 7n });
});

test('combineDeciders is terminal only when both halves are', () => {
  const flag: Decider<'finish', 'finished', boolean> = {
    initialState: false,
    decide: (_c, s) => (s ? reject(domainError('done', 'done')) : accept('finished')),
    evolve: () => true,
    isTerminal: (s) => s,
  };
  const both = combineDeciders(account, flag, {
    isLeftCommand: (c): c is Parameters<typeof account.decide>[0] => c !== 'finish',
    isLeftEvent: (e): e is Parameters<typeof account.evolve>[1] => e !== 'finished',
  });
  const closed: AccountState = { status: 'closed', balance: 0n };
  assert.is(both.isTerminal?.([closed, false]), false);
  assert.is(both.isTerminal?.([account.initialState, true]), false);
  assert.is(both.isTerminal?.([closed, true]), true);
});

test.run();
