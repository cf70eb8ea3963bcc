import { type RecordedEvent, createCommandHandler, fold } from '@ordo/kernel';
import {
  type Account,
  type AccountEvent,
  accountHistory,
  emmettAccount,
  handWrittenFold,
  handWrittenRecordFold,
  isolatedCopy,
  initialAccount,
  ordoAccount,
} from './bank-account';
import { type CaseResult, type CaseSettings, foldCeiling, scaled, twiceEmmett } from './case-result';
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
      targets: [twiceEmmett, foldCeiling],
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
 * `aggregateStream` over its own store.
 *
 * The ceiling is the hand-written loop over the same read: `readStream`, then the loop over the
 * records it answers. It used to be the loop over a fresh array of events (0.04x, "NO"), which is
 * no bound for a load: that array never went through a store, its events are a compact run of
 * objects created together and hot in cache, while any store answers the events it keeps (here
 * frozen copies, each beside its record and metadata, spread over the old generation). Folding
 * those is bound by memory traffic whatever the fold, so the old ratio measured the load, not
 * Ordo's fold. The fresh-array loop stays below as information.
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
  // Its own compiled copy, so that only stored events reach its inline caches.
  const loopOverRead = isolatedCopy(handWrittenRecordFold);

  const { ordo, ordoLoad, emmett, ceiling, freshArray } = await measurePeers(repetitions, {
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
    ceiling: () =>
      foldRun('loop over the read', size, times, expected, async () =>
        loopOverRead(await ordoStore.readStream(streamId)),
      ),
    freshArray: () => foldRun('loop over a fresh array', size, times, expected, () => handWrittenFold(history)),
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
      targets: [twiceEmmett, foldCeiling],
      notes:
        'ordo: readStream + fold(events); emmett: aggregateStream over its own store; ' +
        "ceiling: Ordo's readStream + the hand-written loop over the records it answers",
    },
    {
      id: 'fold.load.handler',
      name: '  info: ordo handler.load',
      metric: 'events',
      op,
      ordo: ordoLoad,
      emmett,
      ceiling,
      notes: "ordo: createCommandHandler(...).load(streamId), the command handler's own load; ceiling as above",
    },
    {
      id: 'fold.load.fresh-array',
      name: '  info: ceiling = loop, fresh array',
      metric: 'events',
      op,
      ordo,
      ceiling: freshArray,
      notes:
        'ceiling: the hand-written loop over an array of events that never went through a store (no load at all); ' +
        'not a bound for a load, shown for comparison with earlier runs',
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
