import type { Inbox } from '../../../messaging/inbox';
import { check, equal, equalDeep, expectInvalidInput, fail, rejection, show } from '../shared/assert';
import { deferred, sleep, within } from '../shared/timing';
import { type InboxContext, inboxCase as c } from './inbox-case';
import type { InboxConformanceCase } from './types';

type HandleBatch = NonNullable<Inbox<unknown>['handleBatch']>;

/** The inbox's `handleBatch`, or a failure that says how to leave the batch cases out. */
const batchOf = (ctx: InboxContext): HandleBatch => {
  const inbox = ctx.inbox;
  if (typeof inbox.handleBatch !== 'function') {
    return fail(
      'inbox.handleBatch is missing: it is optional, so name the batch cases in factory.unsupported ' +
        '(with the reason) for an inbox without it',
    );
  }
  return (consumer, ids, effect) => inbox.handleBatch!(consumer, ids, effect);
};

const ids = (from: number, to: number): string[] => Array.from({ length: to - from }, (_, i) => `m-${from + i}`);

/**
 * The batch method keeps the single-message promises for many ids: one effect per (consumer, id)
 * however the ids are grouped into calls, with the fresh ids only, recorded with a successful
 * effect and never without one, durable; concurrent calls sharing ids (in any order, with
 * `handleOnce` among them) neither run an id twice nor wait on each other for ever; bad input is
 * refused before anything runs, an empty list and a repeated id included.
 */
export const inboxBatchCases: ReadonlyArray<InboxConformanceCase> = [
  c(
    'inbox: handleBatch runs the effect once with the fresh ids, in the order given, and reports the duplicates',
    async (ctx) => {
      const handleBatch = batchOf(ctx);
      const consumer = ctx.consumer('batch');
      await ctx.inbox.handleOnce(consumer, 'm-2', async () => undefined);
      const seen: Array<ReadonlyArray<string>> = [];
      const effect = async (_tx: unknown, fresh: ReadonlyArray<string>) => {
        seen.push([...fresh]);
        return fresh.length;
      };
      const first = await handleBatch(consumer, ['m-3', 'm-1', 'm-2', 'm-0'], effect);
      equalDeep(
        first,
        { ran: true, fresh: ['m-3', 'm-1', 'm-0'], duplicates: ['m-2'], result: 3 },
        'a batch with one id handled before',
      );
      equalDeep(seen, [['m-3', 'm-1', 'm-0']], 'the fresh ids the effect was given');
      for (const id of ['m-0', 'm-1', 'm-2', 'm-3'])
        equal(await ctx.inbox.has(consumer, id), true, `has ${id} after the batch`);
      equalDeep(
        await ctx.inbox.handleOnce(consumer, 'm-1', async () => 'again'),
        { duplicate: true },
        'handleOnce of an id a batch handled',
      );
      equalDeep(
        await handleBatch(consumer, ['m-0', 'm-2', 'm-1'], effect),
        { ran: false, fresh: [], duplicates: ['m-0', 'm-2', 'm-1'] },
        'a batch of handled ids only',
      );
      equal(seen.length, 1, 'runs of the effect (none for a batch of duplicates)');
      const other = await handleBatch(ctx.consumer('other'), ['m-0', 'm-1'], effect);
      equalDeep(
        other,
        { ran: true, fresh: ['m-0', 'm-1'], duplicates: [], result: 2 },
        'the same ids, another consumer',
      );
    },
  ),

  c(
    'inbox: a failing batch effect records none of its ids, rethrows its error, and the batch can be handled again',
    async (ctx) => {
      const handleBatch = batchOf(ctx);
      const consumer = ctx.consumer('batch-flaky');
      await handleBatch(consumer, ['m-0'], async () => undefined);
      const failure = new Error('batch effect failure on purpose');
      const error = await rejection(
        () =>
          handleBatch(consumer, ['m-0', 'm-1', 'm-2'], async () => {
            throw failure;
          }),
        'handleBatch with a failing effect',
      );
      check(error === failure, `handleBatch must reject with the effect's own error, got ${show(error)}`);
      equal(await ctx.inbox.has(consumer, 'm-1'), false, 'has m-1 after the failed batch');
      equal(await ctx.inbox.has(consumer, 'm-2'), false, 'has m-2 after the failed batch');
      equal(await ctx.inbox.has(consumer, 'm-0'), true, 'has m-0 (handled before the failed batch)');
      const retry = await handleBatch(consumer, ['m-0', 'm-1', 'm-2'], async (_tx, fresh) => fresh.join(','));
      equalDeep(
        retry,
        { ran: true, fresh: ['m-1', 'm-2'], duplicates: ['m-0'], result: 'm-1,m-2' },
        'the batch again after the failure',
      );
      equalDeep(
        await ctx.inbox.handleOnce(consumer, 'm-2', async () => 'third'),
        { duplicate: true },
        'a redelivery of m-2',
      );
    },
  ),

  c("inbox: concurrent batches sharing ids apply each id's effect once", async (ctx) => {
    const handleBatch = batchOf(ctx);
    const consumer = ctx.consumer('batch-racing');
    const applied = new Map<string, number>();
    const effect = async (_tx: unknown, fresh: ReadonlyArray<string>) => {
      await sleep(20); // holds the transaction open while the others arrive
      for (const id of fresh) applied.set(id, (applied.get(id) ?? 0) + 1);
      return fresh.length;
    };
    // Overlapping batches in different orders (a store that locks ids in the order given would
    // deadlock here), and handleOnce deliveries among them.
    const batches: ReadonlyArray<ReadonlyArray<string>> = [
      ids(0, 6),
      ids(3, 9).reverse(),
      [...ids(6, 12), 'm-0'],
      ['m-11', 'm-2', 'm-9', 'm-5'],
      ids(0, 12).reverse(),
    ];
    const singles = ['m-4', 'm-10'];
    const [batchResults, singleResults] = await within(
      Promise.all([
        Promise.all(batches.map((batch) => handleBatch(consumer, batch, effect))),
        Promise.all(
          singles.map((id) =>
            ctx.inbox.handleOnce(consumer, id, async () => {
              await sleep(20);
              applied.set(id, (applied.get(id) ?? 0) + 1);
            }),
          ),
        ),
      ]),
      20_000,
      'five concurrent batches and two handleOnce calls sharing ids',
    );
    for (const id of ids(0, 12)) equal(applied.get(id) ?? 0, 1, `applications of ${id}`);
    batchResults.forEach((result, i) => {
      const batch = batches[i]!;
      equalDeep(
        [...result.fresh, ...result.duplicates].sort(),
        [...batch].sort(),
        `batch ${i + 1}: fresh and duplicates together are its ids`,
      );
      equalDeep(
        result.fresh,
        batch.filter((id) => result.fresh.includes(id)),
        `batch ${i + 1}: the fresh ids in the order given`,
      );
      equal(result.ran, result.fresh.length > 0, `batch ${i + 1}: ran exactly when some id was fresh`);
    });
    const freshCount =
      batchResults.reduce((n, r) => n + r.fresh.length, 0) + singleResults.filter((r) => !r.duplicate).length;
    equal(freshCount, 12, 'ids reported fresh over all calls (each id once)');
  }),

  c('inbox: when a batch in flight fails, a concurrent batch sharing its ids applies them', async (ctx) => {
    const handleBatch = batchOf(ctx);
    const consumer = ctx.consumer('batch-takeover');
    const started = deferred();
    const first = handleBatch(consumer, ['m-0', 'm-1'], async () => {
      started.resolve();
      await sleep(100);
      throw new Error('the first batch fails');
    }).catch((error: unknown) => error);
    await within(started.promise, 10_000, 'the first batch effect starts');
    const second = await within(
      handleBatch(consumer, ['m-1', 'm-2'], async (_tx, fresh) => [...fresh]),
      10_000,
      'the second batch',
    );
    check((await first) instanceof Error, `the first batch must reject, got ${show(await first)}`);
    equalDeep(second, { ran: true, fresh: ['m-1', 'm-2'], duplicates: [], result: ['m-1', 'm-2'] }, 'the second batch');
    equal(await ctx.inbox.has(consumer, 'm-0'), false, 'has m-0 (only in the failed batch)');
    equal(await ctx.inbox.has(consumer, 'm-1'), true, 'has m-1');
  }),

  c('inbox: a restart still knows the ids a batch handled, and not those of a failed batch', async (ctx) => {
    const handleBatch = batchOf(ctx);
    if (ctx.factory.reopen === undefined) {
      return fail(
        'factory.reopen is missing: give the suite a new instance over the same storage, ' +
          'or name this case in factory.unsupported with the reason',
      );
    }
    const consumer = ctx.consumer('batch-durable');
    await handleBatch(consumer, ['m-1', 'm-2'], async () => undefined);
    await rejection(
      () =>
        handleBatch(consumer, ['m-3', 'm-4'], async () => {
          throw new Error('failed before the restart');
        }),
      'a failing batch before the restart',
    );
    const reopened = await ctx.factory.reopen(ctx.inbox);
    if (typeof reopened.handleBatch !== 'function') return fail('the reopened inbox has no handleBatch');
    equal(await reopened.has(consumer, 'm-2'), true, 'has m-2 after the restart');
    let runs = 0;
    const after = await reopened.handleBatch(consumer, ['m-1', 'm-2', 'm-3', 'm-4'], async (_tx, fresh) => {
      runs += 1;
      return fresh.length;
    });
    equalDeep(
      after,
      { ran: true, fresh: ['m-3', 'm-4'], duplicates: ['m-1', 'm-2'], result: 2 },
      'the batch after the restart',
    );
    equal(runs, 1, 'runs of the effect after the restart');
  }),

  c(
    'inbox: handleBatch refuses a bad consumer, an empty list, a bad id or a repeated id before the effect runs',
    async (ctx) => {
      const handleBatch = batchOf(ctx);
      const consumer = ctx.consumer('batch-strict');
      let runs = 0;
      const effect = async () => {
        runs += 1;
      };
      const attempts: ReadonlyArray<readonly [string, unknown, unknown, string, string]> = [
        ...['', 7, null, undefined].map(
          (bad) => [`consumer ${show(bad)}`, bad, ['m-1'], 'invalid_consumer', 'consumer'] as const,
        ),
        ['an empty list', consumer, [], 'invalid_message_id', 'messageIds'],
        ['a string for the list', consumer, 'm-1', 'invalid_message_id', 'messageIds'],
        ['null for the list', consumer, null, 'invalid_message_id', 'messageIds'],
        ['an empty id', consumer, ['m-1', ''], 'invalid_message_id', 'messageIds.1'],
        ['a number id', consumer, ['m-1', 7], 'invalid_message_id', 'messageIds.1'],
        ['a repeated id', consumer, ['m-1', 'm-2', 'm-1'], 'invalid_message_id', 'messageIds.2'],
      ];
      for (const [what, badConsumer, badIds, code, path] of attempts) {
        const label = `handleBatch with ${what}`;
        expectInvalidInput(
          await rejection(() => handleBatch(badConsumer as string, badIds as string[], effect), label),
          code,
          label,
          path,
        );
      }
      equal(runs, 0, 'runs of the effect');
      equal(await ctx.inbox.has(consumer, 'm-1'), false, 'has m-1 after the refused batches');
      equal(await ctx.inbox.has(consumer, 'm-2'), false, 'has m-2 after the refused batches');
    },
  ),
];
