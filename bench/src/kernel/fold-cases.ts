import { type RecordedEvent, createCommandHandler, fold } from '@ordo/kernel';
import {
  type Account,
  type AccountEvent,
  accountHistory,
  emmettAccount,
  handWrittenFold,
  isolatedCopy,
  initialAccount,
  ordoAccount,
} from './bank-account';
import { type CaseResult, type CaseSettings, scaled } from './case-result';
import { measurePeers, timeNs } from './measure';
import { fillEmmett, fillOrdo, newEmmettStore, newOrdoStore } from './peers';

/** Fails the benchmark when a peer folded to another state: the peers must do the same work. */
const check = (peer: string, actual: Account, expected: Account): void => {
  if (
    actual.status !== expected.status ||
    actual.accountId !== expected.accountId ||
    actual.balance !== expected.balance ||
    actual.transactions !== expected.transactions
  ) {
    throw new Error(`${peer} folded to ${JSON.stringify(actual)}, expected ${JSON.stringify(expected)}`);
  }
};

/** Folds `times` times and answers the run, checking the last state. */
const foldRun = async (peer: string, events: number, times: number, expected: Account, once: () => unknown) => {
  let state: unknown;
  const ns = await timeNs(async () => {
    for (let i = 0; i < times; i++) state = await once();
  });
  check(peer, state as Account, expected);
  return { ops: times, events: events * times, ns };
};

/**
 * Case 1a: fold a 1M-event history from an array. Ordo: the kernel's `fold`. Emmett has no fold
 * function of its own; `aggregateStream` folds with `events.reduce(evolve, initialState())`, so
 * that is its figure. Ceiling: the hand-written loop. Also, for information, a plain loop calling
 * the same `evolve`: the gap between it and the ceiling is the domain's (one object per event),
 * the gap between it and Ordo is the kernel's.
 */
export const pureFoldCases = async (settings: CaseSettings): Promise<CaseResult[]> => {
  const size = scaled(settings, 1_000_000, 1000);
  const times = 5;
  const events = accountHistory('account-0', size);
  const expected = handWrittenFold(events);
  const { repetitions } = settings;
  const initialState = emmettAccount.initialState;

  const { ordo, emmett, ceiling, evolveLoop } = await measurePeers(repetitions, {
    ordo: () => foldRun('ordo', size, times, expected, () => fold(ordoAccount, events)),
    emmett: () => foldRun('emmett', size, times, expected, () => events.reduce(emmettAccount.evolve, initialState())),
    ceiling: () => foldRun('ceiling', size, times, expected, () => handWrittenFold(events)),
    evolveLoop: () =>
      foldRun('evolve loop', size, times, expected, () => {
        let state = initialAccount;
        for (let i = 0; i < events.length; i++) state = ordoAccount.evolve(state, events[i]!);
        return state;
      }),
  });
  const op = `fold of ${size.toLocaleString('en')} events`;
  return [
    {
      id: 'fold.pure',
      name: `fold ${short(size)} events (array)`,
      metric: 'events',
      op,
      ordo,
      emmett,
      ceiling,
      target: { against: 'ceiling', ratio: 0.3 },
      notes: 'emmett: events.reduce(evolve, initialState()), the fold inside its aggregateStream',
    },
    {
      id: 'fold.pure.evolve-loop',
      name: '  info: plain loop, same evolve',
      metric: 'events',
      op,
      ordo: evolveLoop,
      ceiling,
      notes: 'no library: `for (...) state = evolve(state, events[i])`; the ordo column is this loop',
    },
  ];
};

/**
 * Case 1b: load a 100k-event stream from the store and fold it. Ordo: `readStream` + `fold`
 * (and, for information, the command handler's `load`, which folds while iterating); Emmett:
 * `aggregateStream`. Ceiling: the hand-written loop over the same events in an array (kept hot
 * in cache, unlike stored events, which lie among their records and metadata); for information,
 * also the hand-written loop over what Ordo's `readStream` returns.
 */
export const loadFoldCases = async (settings: CaseSettings): Promise<CaseResult[]> => {
  const size = scaled(settings, 100_000, 1000);
  const times = 10;
  const streamId = 'account-loaded';
  const history = accountHistory(streamId, size);
  const expected = handWrittenFold(history);
  const { repetitions } = settings;

  const ordoStore = newOrdoStore();
  await fillOrdo(ordoStore, [streamId], size);
  const emmettStore = newEmmettStore();
  await fillEmmett(emmettStore, [streamId], size);
  const handler = createCommandHandler({ decider: ordoAccount, store: ordoStore, streamId: () => streamId });
  const eventOf = (r: RecordedEvent<AccountEvent>) => r.event;
  // Its own copy, so that the stored (frozen) events do not make the array ceiling polymorphic.
  const ceilingOnStored = isolatedCopy(handWrittenFold);

  const { ordo, ordoLoad, emmett, ceiling, ceilingOnRead } = await measurePeers(repetitions, {
    ordo: () =>
      foldRun('ordo', size, times, expected, async () =>
        fold(ordoAccount, (await ordoStore.readStream(streamId)).map(eventOf)),
      ),
    ordoLoad: () => foldRun('ordo load', size, times, expected, async () => (await handler.load(streamId)).state),
    emmett: () =>
      foldRun(
        'emmett',
        size,
        times,
        expected,
        async () =>
          (
            await emmettStore.aggregateStream<Account, AccountEvent>(streamId, {
              evolve: emmettAccount.evolve,
              initialState: emmettAccount.initialState,
            })
          ).state,
      ),
    ceiling: () => foldRun('ceiling', size, times, expected, () => handWrittenFold(history)),
    ceilingOnRead: () =>
      foldRun('ceiling on read', size, times, expected, async () =>
        ceilingOnStored((await ordoStore.readStream(streamId)).map(eventOf)),
      ),
  });
  const op = `load and fold of a ${size.toLocaleString('en')}-event stream`;
  return [
    {
      id: 'fold.load',
      name: `load+fold ${short(size)}-event stream`,
      metric: 'events',
      op,
      ordo,
      emmett,
      ceiling,
      target: { against: 'ceiling', ratio: 0.3 },
      notes: 'ordo: readStream + fold(events); emmett: aggregateStream; ceiling: hand-written loop over an array',
    },
    {
      id: 'fold.load.ceiling-on-read',
      name: '  info: ceiling = loop over the read',
      metric: 'events',
      op,
      ordo,
      emmett,
      ceiling: ceilingOnRead,
      notes:
        "ceiling: Ordo's readStream + map + the hand-written loop, i.e. the load with no fold cost: " +
        'ordo/ceiling is the cost of the generic fold on events as the store hands them out',
    },
    {
      id: 'fold.load.handler',
      name: '  info: ordo handler.load',
      metric: 'events',
      op,
      ordo: ordoLoad,
      emmett,
      ceiling,
      notes: "ordo: createCommandHandler(...).load(streamId), the command handler's own load",
    },
  ];
};

/** `1M`, `100k`, `10k`: sizes for labels. */
export const short = (n: number): string =>
  n >= 1_000_000 && n % 1_000_000 === 0
    ? `${n / 1_000_000}M`
    : n >= 1000 && n % 1000 === 0
      ? `${n / 1000}k`
      : String(n);
