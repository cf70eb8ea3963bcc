import { randomUUID } from 'node:crypto';
import { DeciderCommandHandler } from '@event-driven-io/emmett';
import { type StateCache, createCommandHandler, createLruStateCache } from '@ordo/kernel';
import { type Account, type AccountCommand, accountCommand, emmettAccount, ordoAccount } from './bank-account';
import { type CaseResult, type CaseSettings, scaled, twiceEmmett } from './case-result';
import { type RunResult, measurePeers } from './measure';
import { OCCURRED_AT, accountStream, newEmmettStore, newOrdoStore } from './peers';
import { short } from './fold-cases';

/**
 * Case 5: the command path, load + decide + append, for `commands` commands round-robin over
 * `streams` accounts (50 commands per account at full size), awaited one after the other, from an
 * empty store. Each command loads its stream from the store (neither peer caches by default), so
 * the work grows with the streams. Ordo: `createCommandHandler` (a UUID command id per command,
 * from which the event ids derive); Emmett: `DeciderCommandHandler` over the same decider (it draws
 * a UUID per event). For information, Ordo with its LRU state cache, which skips the re-fold.
 */
export const commandCases = async (settings: CaseSettings): Promise<CaseResult[]> => {
  const commands = scaled(settings, 50_000, 1000);
  const streams = scaled(settings, 1000, 10);
  const names = Array.from({ length: streams }, (_, s) => accountStream(s));
  const inputs: AccountCommand[] = Array.from({ length: commands }, (_, i) =>
    accountCommand(names[i % streams]!, Math.floor(i / streams)),
  );
  const { repetitions } = settings;

  const ordoRun = (cache: () => StateCache<Account> | undefined) => async (): Promise<RunResult> => {
    const store = newOrdoStore();
    const stateCache = cache();
    const handler = createCommandHandler({
      decider: ordoAccount,
      store,
      streamId: (command: AccountCommand) => command.data.accountId,
      ...(stateCache === undefined ? {} : { cache: stateCache }),
    });
    const t0 = process.hrtime.bigint();
    for (let i = 0; i < commands; i++) {
      const result = await handler.handle(inputs[i]!, { commandId: randomUUID(), occurredAt: OCCURRED_AT });
      if (result._tag === 'Left') throw new Error(`ordo rejected command ${i}: ${result.left.message}`);
    }
    const ns = Number(process.hrtime.bigint() - t0);
    if (store.lastPosition() !== BigInt(commands)) throw new Error('ordo stored a wrong number of events');
    return { ops: commands, events: commands, ns };
  };

  const emmettRun = async (): Promise<RunResult> => {
    const store = newEmmettStore();
    const handle = DeciderCommandHandler(emmettAccount);
    const t0 = process.hrtime.bigint();
    for (let i = 0; i < commands; i++) {
      const command = inputs[i]!;
      await handle(store, command.data.accountId, command);
    }
    const ns = Number(process.hrtime.bigint() - t0);
    const { events } = await store.readStream(names[0]!);
    if (events.length !== Math.ceil(commands / streams)) throw new Error('emmett stored a wrong number of events');
    return { ops: commands, events: commands, ns };
  };

  const { ordo, emmett, ordoCached } = await measurePeers(repetitions, {
    ordo: ordoRun(() => undefined),
    emmett: emmettRun,
    ordoCached: ordoRun(() => createLruStateCache<Account>()),
  });
  const name = `commands ${short(commands)}, ${short(streams)} streams`;
  const op = `command: load + decide + append of 1 event (${commands.toLocaleString('en')} over ${streams} streams)`;
  return [
    {
      id: 'command.handler',
      name,
      metric: 'ops',
      op,
      ordo,
      emmett,
      targets: [twiceEmmett],
      notes: 'ordo: createCommandHandler without cache; emmett: DeciderCommandHandler (no retries)',
    },
    {
      id: 'command.handler.cached',
      name: '  info: ordo with LRU state cache',
      metric: 'ops',
      op,
      ordo: ordoCached,
      emmett,
      notes: 'ordo: createCommandHandler with createLruStateCache(); emmett has no state cache',
    },
  ];
};
