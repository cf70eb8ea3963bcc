import { check, equal, equalDeep, expectInvalidInput, fail, rejection, show } from '../shared/assert';
import { sleep } from '../shared/timing';
import { inboxBatchCases } from './batch-cases';
import { inboxCase as c } from './inbox-case';
import type { InboxConformanceCase } from './types';

/** An effect that counts its runs and answers `result`. */
const counting = <R>(result: R) => {
  let runs = 0;
  return {
    runs: () => runs,
    effect: async () => {
      runs += 1;
      return result;
    },
  };
};

/**
 * What the `Inbox` port promises a consumer: the effect of a (consumer, message id) runs once,
 * and the id is recorded only together with a successful effect, so a failed one can be retried
 * and a redelivery of a handled one has no effect; the record is durable (a restart still knows
 * it). Bad ids are refused before anything runs: `invalid_consumer`, `invalid_message_id`. The
 * optional `handleBatch` keeps the same promises for many ids in one call ({@link inboxBatchCases}).
 */
export const inboxConformanceCases: ReadonlyArray<InboxConformanceCase> = [
  c('inbox: handleOnce runs the effect once per consumer and message id and answers its result', async (ctx) => {
    const consumer = ctx.consumer('billing');
    const counter = counting({ charged: 12 });
    const first = await ctx.inbox.handleOnce(consumer, 'm-1', counter.effect);
    equalDeep(first, { duplicate: false, result: { charged: 12 } }, 'the first handling');
    for (let i = 0; i < 3; i++) {
      equalDeep(
        await ctx.inbox.handleOnce(consumer, 'm-1', counter.effect),
        { duplicate: true },
        `redelivery ${i + 1}`,
      );
    }
    equal(counter.runs(), 1, 'runs of the effect');
  }),

  c('inbox: consumers and message ids are independent', async (ctx) => {
    const a = ctx.consumer('a');
    const b = ctx.consumer('b');
    const counter = counting('done');
    await ctx.inbox.handleOnce(a, 'm-1', counter.effect);
    equal((await ctx.inbox.handleOnce(b, 'm-1', counter.effect)).duplicate, false, 'the same id for another consumer');
    equal((await ctx.inbox.handleOnce(a, 'm-2', counter.effect)).duplicate, false, 'another id for the same consumer');
    equal((await ctx.inbox.handleOnce(a, 'm-1x', counter.effect)).duplicate, false, 'an id that extends a handled one');
    equal((await ctx.inbox.handleOnce(a, 'm-1', counter.effect)).duplicate, true, 'the first message again');
    equal(counter.runs(), 4, 'runs of the effect');
  }),

  c('inbox: has is false until a message is handled, true after', async (ctx) => {
    const consumer = ctx.consumer('reader');
    equal(await ctx.inbox.has(consumer, 'm-1'), false, 'has before handling');
    await ctx.inbox.handleOnce(consumer, 'm-1', async () => undefined);
    equal(await ctx.inbox.has(consumer, 'm-1'), true, 'has after handling');
    equal(await ctx.inbox.has(consumer, 'm-2'), false, 'has of another id');
    equal(await ctx.inbox.has(ctx.consumer('other'), 'm-1'), false, 'has for another consumer');
  }),

  c(
    'inbox: a failing effect records nothing, rethrows its error, and the message can be handled again',
    async (ctx) => {
      const consumer = ctx.consumer('flaky');
      const failure = new Error('effect failure on purpose');
      let runs = 0;
      const error = await rejection(
        () =>
          ctx.inbox.handleOnce(consumer, 'm-1', async () => {
            runs += 1;
            throw failure;
          }),
        'handleOnce with a failing effect',
      );
      check(error === failure, `handleOnce must reject with the effect's own error, got ${show(error)}`);
      equal(await ctx.inbox.has(consumer, 'm-1'), false, 'has after the failed effect');
      const retry = await ctx.inbox.handleOnce(consumer, 'm-1', async () => {
        runs += 1;
        return 'second try';
      });
      equalDeep(retry, { duplicate: false, result: 'second try' }, 'the retry after the failure');
      equal(await ctx.inbox.has(consumer, 'm-1'), true, 'has after the successful retry');
      equalDeep(await ctx.inbox.handleOnce(consumer, 'm-1', async () => 'third'), { duplicate: true }, 'a redelivery');
      equal(runs, 2, 'runs of the effect');
    },
  ),

  c('inbox: concurrent deliveries of one message run the effect once', async (ctx) => {
    const consumer = ctx.consumer('racing');
    let runs = 0;
    const results = await Promise.all(
      Array.from({ length: 6 }, () =>
        ctx.inbox.handleOnce(consumer, 'm-1', async () => {
          runs += 1;
          await sleep(20);
          return 'handled';
        }),
      ),
    );
    equal(results.filter((r) => !r.duplicate).length, 1, 'deliveries that ran the effect');
    equal(runs, 1, 'runs of the effect');
  }),

  c('inbox: a restart (a new instance over the same storage) still knows the handled messages', async (ctx) => {
    if (ctx.factory.reopen === undefined) {
      return fail(
        'factory.reopen is missing: give the suite a new instance over the same storage, ' +
          'or name this case in factory.unsupported with the reason',
      );
    }
    const consumer = ctx.consumer('durable');
    await ctx.inbox.handleOnce(consumer, 'm-1', async () => undefined);
    await ctx.inbox.handleOnce(consumer, 'm-2', async () => undefined);
    await rejection(
      () =>
        ctx.inbox.handleOnce(consumer, 'm-3', async () => {
          throw new Error('failed before the restart');
        }),
      'a failing effect before the restart',
    );
    const reopened = await ctx.factory.reopen(ctx.inbox);
    equal(await reopened.has(consumer, 'm-1'), true, 'has after the restart');
    const counter = counting('again');
    equalDeep(await reopened.handleOnce(consumer, 'm-2', counter.effect), { duplicate: true }, 'redelivery after it');
    equal((await reopened.handleOnce(consumer, 'm-3', counter.effect)).duplicate, false, 'the failed one, retried');
    equal(counter.runs(), 1, 'runs of the effect after the restart');
  }),

  c('inbox: a bad consumer or message id is refused before the effect runs', async (ctx) => {
    const consumer = ctx.consumer('strict');
    let runs = 0;
    const effect = async () => {
      runs += 1;
    };
    for (const bad of ['', 7, null, undefined]) {
      const attempts: ReadonlyArray<readonly [string, () => Promise<unknown>, string, string]> = [
        [
          'handleOnce consumer',
          () => ctx.inbox.handleOnce(bad as string, 'm-1', effect),
          'invalid_consumer',
          'consumer',
        ],
        [
          'handleOnce messageId',
          () => ctx.inbox.handleOnce(consumer, bad as string, effect),
          'invalid_message_id',
          'messageId',
        ],
        ['has consumer', () => ctx.inbox.has(bad as string, 'm-1'), 'invalid_consumer', 'consumer'],
        ['has messageId', () => ctx.inbox.has(consumer, bad as string), 'invalid_message_id', 'messageId'],
      ];
      for (const [what, attempt, code, path] of attempts) {
        const label = `${what} ${show(bad)}`;
        expectInvalidInput(await rejection(attempt, label), code, label, path);
      }
    }
    equal(runs, 0, 'runs of the effect');
  }),
  ...inboxBatchCases,
];
