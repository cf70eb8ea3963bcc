import {
  type Decider as EmmettDecider,
  type Command as EmmettCommand,
  type Event as EmmettEvent,
  IllegalStateError,
} from '@event-driven-io/emmett';
import { type Decider, accept, domainError, reject } from '@ordo/kernel';

/**
 * The benchmark's domain: a bank account with three event types. Events use Emmett's
 * `{ type, data }` shape, which Ordo accepts as it is (an Ordo event is any object with a string
 * `type`), so both peers store, read and fold exactly the same objects through the same `evolve`.
 */

export type AccountOpened = EmmettEvent<'AccountOpened', { accountId: string; owner: string }>;
export type MoneyDeposited = EmmettEvent<'MoneyDeposited', { amount: number }>;
export type MoneyWithdrawn = EmmettEvent<'MoneyWithdrawn', { amount: number }>;
export type AccountEvent = AccountOpened | MoneyDeposited | MoneyWithdrawn;

export type OpenAccount = EmmettCommand<'OpenAccount', { accountId: string; owner: string }>;
export type DepositMoney = EmmettCommand<'DepositMoney', { accountId: string; amount: number }>;
export type WithdrawMoney = EmmettCommand<'WithdrawMoney', { accountId: string; amount: number }>;
export type AccountCommand = OpenAccount | DepositMoney | WithdrawMoney;

export interface Account {
  readonly status: 'none' | 'open';
  readonly accountId: string;
  readonly balance: number;
  readonly transactions: number;
}

export const initialAccount: Account = { status: 'none', accountId: '', balance: 0, transactions: 0 };

/**
 * The one `evolve` both peers fold with: a new state object per event, as a domain would write it.
 * The state is spelled out instead of spread (`{ ...state, balance }`): on Node 20 the spread form
 * is about 15x slower here (V8 takes a slow path when a spread copy is overridden), which would
 * bury every peer's figure under the domain's own cost.
 */
export const evolve = (state: Account, event: AccountEvent): Account => {
  switch (event.type) {
    case 'AccountOpened':
      return { status: 'open', accountId: event.data.accountId, balance: 0, transactions: 0 };
    case 'MoneyDeposited':
      return {
        status: state.status,
        accountId: state.accountId,
        balance: state.balance + event.data.amount,
        transactions: state.transactions + 1,
      };
    case 'MoneyWithdrawn':
      return {
        status: state.status,
        accountId: state.accountId,
        balance: state.balance - event.data.amount,
        transactions: state.transactions + 1,
      };
    default:
      return state;
  }
};

/**
 * The ceiling: the same fold written by hand, with the state in local variables and no object
 * per event. Nothing generic can beat it; the other peers are reported as a fraction of it.
 */
export const handWrittenFold = (events: ReadonlyArray<AccountEvent>): Account => {
  let open = false;
  let accountId = '';
  let balance = 0;
  let transactions = 0;
  for (let i = 0; i < events.length; i++) {
    const event = events[i]!;
    switch (event.type) {
      case 'AccountOpened':
        open = true;
        accountId = event.data.accountId;
        balance = 0;
        transactions = 0;
        break;
      case 'MoneyDeposited':
        balance += event.data.amount;
        transactions += 1;
        break;
      case 'MoneyWithdrawn':
        balance -= event.data.amount;
        transactions += 1;
        break;
    }
  }
  return { status: open ? 'open' : 'none', accountId, balance, transactions };
};

/**
 * The ceiling of a load + fold: {@link handWrittenFold}'s loop over records as a store hands them
 * out (the event under `.event`), without first mapping them to an array of events.
 */
export const handWrittenRecordFold = (records: ReadonlyArray<{ readonly event: AccountEvent }>): Account => {
  let open = false;
  let accountId = '';
  let balance = 0;
  let transactions = 0;
  for (let i = 0; i < records.length; i++) {
    const event = records[i]!.event;
    switch (event.type) {
      case 'AccountOpened':
        open = true;
        accountId = event.data.accountId;
        balance = 0;
        transactions = 0;
        break;
      case 'MoneyDeposited':
        balance += event.data.amount;
        transactions += 1;
        break;
      case 'MoneyWithdrawn':
        balance -= event.data.amount;
        transactions += 1;
        break;
    }
  }
  return { status: open ? 'open' : 'none', accountId, balance, transactions };
};

/**
 * A separately compiled copy of a self-contained function (it must use no outer variable): the
 * same code with its own inline caches. Each peer folds with its own copy of `evolve`, so one
 * peer's event objects cannot slow another's: Emmett's stored events each get their own hidden
 * class, and a shared `evolve` that saw them went megamorphic for every peer in the process.
 */
export const isolatedCopy = <F extends (...args: never[]) => unknown>(f: F): F =>
  new Function(`return (${f.toString()});`)() as F;

/** Ordo's copy of {@link evolve}. */
export const ordoEvolve = isolatedCopy(evolve);
/** Emmett's copy of {@link evolve}. */
export const emmettEvolve = isolatedCopy(evolve);

/** The Ordo decider: rejections are values. */
export const ordoAccount: Decider<AccountCommand, AccountEvent, Account> = {
  initialState: initialAccount,
  evolve: ordoEvolve,
  decide: (command, state) => {
    switch (command.type) {
      case 'OpenAccount':
        return state.status === 'open'
          ? reject(domainError('already_open', `account ${state.accountId} is already open`))
          : accept({ type: 'AccountOpened', data: { accountId: command.data.accountId, owner: command.data.owner } });
      case 'DepositMoney':
        if (state.status !== 'open') return reject(domainError('not_open', 'account is not open'));
        return accept({ type: 'MoneyDeposited', data: { amount: command.data.amount } });
      case 'WithdrawMoney':
        if (state.status !== 'open') return reject(domainError('not_open', 'account is not open'));
        if (command.data.amount > state.balance) {
          return reject(domainError('insufficient_funds', `balance ${state.balance} < ${command.data.amount}`));
        }
        return accept({ type: 'MoneyWithdrawn', data: { amount: command.data.amount } });
    }
  },
};

/** The same decider in Emmett's shape: rejections are thrown. */
export const emmettAccount: EmmettDecider<Account, AccountCommand, AccountEvent> = {
  initialState: () => initialAccount,
  evolve: emmettEvolve,
  decide: (command, state) => {
    switch (command.type) {
      case 'OpenAccount':
        if (state.status === 'open') throw new IllegalStateError(`account ${state.accountId} is already open`);
        return { type: 'AccountOpened', data: { accountId: command.data.accountId, owner: command.data.owner } };
      case 'DepositMoney':
        if (state.status !== 'open') throw new IllegalStateError('account is not open');
        return { type: 'MoneyDeposited', data: { amount: command.data.amount } };
      case 'WithdrawMoney':
        if (state.status !== 'open') throw new IllegalStateError('account is not open');
        if (command.data.amount > state.balance) {
          throw new IllegalStateError(`balance ${state.balance} < ${command.data.amount}`);
        }
        return { type: 'MoneyWithdrawn', data: { amount: command.data.amount } };
    }
  },
};

/**
 * The event at `index` of an account's history: opened first, then deposits with a withdrawal
 * every third event (never overdrawing). Deterministic, so every run folds the same numbers.
 */
export const accountEvent = (accountId: string, index: number): AccountEvent => {
  if (index === 0) return { type: 'AccountOpened', data: { accountId, owner: `owner of ${accountId}` } };
  if (index % 3 === 0) return { type: 'MoneyWithdrawn', data: { amount: 5 + (index % 7) } };
  return { type: 'MoneyDeposited', data: { amount: 10 + (index % 11) } };
};

/** The history of one account, `count` events long. */
export const accountHistory = (accountId: string, count: number): AccountEvent[] =>
  Array.from({ length: count }, (_, i) => accountEvent(accountId, i));

/** The command at `index` of an account's life; it always succeeds after the previous ones. */
export const accountCommand = (accountId: string, index: number): AccountCommand => {
  if (index === 0) return { type: 'OpenAccount', data: { accountId, owner: `owner of ${accountId}` } };
  if (index % 3 === 0) return { type: 'WithdrawMoney', data: { accountId, amount: 5 + (index % 7) } };
  return { type: 'DepositMoney', data: { accountId, amount: 10 + (index % 11) } };
};
