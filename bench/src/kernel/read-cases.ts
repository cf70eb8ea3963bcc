import { accountStream, fillEmmett, fillOrdo, newEmmettStore, newOrdoStore } from './peers';
import { type CaseResult, type CaseSettings, scaled, twiceEmmett } from './case-result';
import { measurePeers, timeNs } from './measure';
import { short } from './fold-cases';

/**
 * Case 4: reads from a store holding `streams` accounts of 100 events plus one 10k-event stream.
 * Every read event is looked at (its type compared), so a lazy read could not look free.
 * - readStream of the 10k-event stream, 100 times per run.
 * - readAll over everything, in pages of 1,000 as a subscriber reads, 5 times per run. Emmett's
 *   in-memory store has no global read (its `EventStore` offers `readStream`, `aggregateStream`,
 *   `appendToStream` and `streamExists` only): N/A.
 */
export const readCases = async (settings: CaseSettings): Promise<CaseResult[]> => {
  const longSize = scaled(settings, 10_000, 100);
  const streams = scaled(settings, 1000, 10);
  const perStream = 100;
  const longStream = 'account-long';
  const names = Array.from({ length: streams }, (_, s) => accountStream(s));
  const total = longSize + streams * perStream;
  const { repetitions } = settings;

  const ordoStore = newOrdoStore();
  await fillOrdo(ordoStore, [longStream], longSize);
  await fillOrdo(ordoStore, names, perStream);
  const emmettStore = newEmmettStore();
  await fillEmmett(emmettStore, [longStream], longSize);
  await fillEmmett(emmettStore, names, perStream);

  const streamReads = 100;
  // Deposits among the first n events of an account (see `accountEvent`), to check what was read.
  const depositsIn = (n: number) => n - 1 - Math.floor((n - 1) / 3);
  const check = (peer: string, seen: number, deposits: number, expected: number, expectedDeposits: number) => {
    if (seen !== expected || deposits !== expectedDeposits) {
      throw new Error(`${peer} read ${seen} events (${deposits} deposits), expected ${expected} (${expectedDeposits})`);
    }
  };

  const { ordo: ordoStream, emmett: emmettStream } = await measurePeers(repetitions, {
    ordo: async () => {
      let seen = 0;
      let deposits = 0;
      const ns = await timeNs(async () => {
        for (let i = 0; i < streamReads; i++) {
          const events = await ordoStore.readStream(longStream);
          for (let k = 0; k < events.length; k++) if (events[k]!.event.type === 'MoneyDeposited') deposits++;
          seen += events.length;
        }
      });
      check('ordo', seen, deposits, longSize * streamReads, depositsIn(longSize) * streamReads);
      return { ops: streamReads, events: seen, ns };
    },
    emmett: async () => {
      let seen = 0;
      let deposits = 0;
      const ns = await timeNs(async () => {
        for (let i = 0; i < streamReads; i++) {
          const { events } = await emmettStore.readStream(longStream);
          for (let k = 0; k < events.length; k++) if (events[k]!.type === 'MoneyDeposited') deposits++;
          seen += events.length;
        }
      });
      check('emmett', seen, deposits, longSize * streamReads, depositsIn(longSize) * streamReads);
      return { ops: streamReads, events: seen, ns };
    },
  });

  const allReads = 5;
  const pageSize = 1000;
  const { ordo: ordoAll } = await measurePeers(repetitions, {
    ordo: async () => {
      let seen = 0;
      let deposits = 0;
      let pages = 0;
      const ns = await timeNs(async () => {
        for (let i = 0; i < allReads; i++) {
          let after = 0n;
          for (;;) {
            const page = await ordoStore.readAll({ after, maxCount: pageSize });
            pages++;
            if (page.length === 0) break;
            for (let k = 0; k < page.length; k++) if (page[k]!.event.type === 'MoneyDeposited') deposits++;
            seen += page.length;
            after = page[page.length - 1]!.globalPosition;
          }
        }
      });
      const allDeposits = depositsIn(longSize) + streams * depositsIn(perStream);
      check('ordo', seen, deposits, total * allReads, allDeposits * allReads);
      return { ops: pages, events: seen, ns };
    },
  });

  return [
    {
      id: 'read.stream',
      name: `readStream ${short(longSize)}-event stream`,
      metric: 'events',
      op: `readStream of a ${longSize.toLocaleString('en')}-event stream`,
      ordo: ordoStream,
      emmett: emmettStream,
      targets: [twiceEmmett],
    },
    {
      id: 'read.all',
      name: `readAll ${short(total)} events, pages of ${short(pageSize)}`,
      metric: 'events',
      op: `readAll page of ${pageSize} events`,
      ordo: ordoAll,
      notes: 'emmett: N/A, its in-memory EventStore has no global read',
    },
  ];
};
