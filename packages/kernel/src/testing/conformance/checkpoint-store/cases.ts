import type { CheckpointStore } from '../../../projections/checkpoint-store';
import { equal, expectInvalidInput, fail, rejection, show } from '../shared/assert';
import { uniqueName } from '../shared/unique';
import type { CheckpointStoreConformanceCase, CheckpointStoreConformanceFactory } from './types';

/** What a case works with: a store, and checkpoint names no other case or run uses. */
interface CheckpointContext {
  readonly store: CheckpointStore;
  readonly factory: CheckpointStoreConformanceFactory;
  readonly name: (label: string) => string;
}

const c = (name: string, body: (ctx: CheckpointContext) => Promise<void>): CheckpointStoreConformanceCase => ({
  name,
  run: async (factory) => {
    const store = await factory.create();
    const prefix = uniqueName('checkpoint');
    try {
      await body({ store, factory, name: (label) => `${label}-${prefix}` });
    } finally {
      await factory.dispose?.(store);
    }
  },
});

/**
 * What the `CheckpointStore` port promises a runner: `load` answers `undefined` until the first
 * save, then the highest position saved; a checkpoint never moves backwards (a lower save is
 * ignored, so a lagging or restarted worker cannot undo progress; starting over is the adapter's
 * explicit reset or delete); bad input is refused with one code per problem on every adapter:
 * `invalid_position` (a position that is not a bigint >= 0n) and `invalid_checkpoint_name` (a
 * name that is not a non-blank string), each issue naming the argument.
 */
export const checkpointStoreConformanceCases: ReadonlyArray<CheckpointStoreConformanceCase> = [
  c('checkpoint store: load answers undefined before the first save', async ({ store, name }) => {
    equal(await store.load(name('never')), undefined, 'load of a checkpoint never saved');
  }),

  c('checkpoint store: save then load; a higher save moves it on; names are independent', async (ctx) => {
    const a = ctx.name('a');
    const b = ctx.name('b');
    await ctx.store.save(a, 0n);
    equal(await ctx.store.load(a), 0n, 'after saving 0n');
    equal(await ctx.store.load(b), undefined, 'another name after saving the first');
    await ctx.store.save(a, 7n);
    equal(await ctx.store.load(a), 7n, 'after saving 7n');
    await ctx.store.save(a, 2n ** 53n + 1n);
    equal(await ctx.store.load(a), 2n ** 53n + 1n, 'a position beyond 2^53, exactly');
    await ctx.store.save(b, 3n);
    equal(await ctx.store.load(b), 3n, 'the second name');
    equal(await ctx.store.load(a), 2n ** 53n + 1n, 'the first name after saving the second');
    equal(await ctx.store.load(`${a}x`), undefined, 'a name that extends a saved one');
  }),

  c('checkpoint store: never moves backwards: a lower save is ignored, an equal one changes nothing', async (ctx) => {
    const n = ctx.name('monotonic');
    await ctx.store.save(n, 10n);
    for (const lower of [9n, 1n, 0n]) {
      await ctx.store.save(n, lower);
      equal(await ctx.store.load(n), 10n, `after a lower save of ${lower}n`);
    }
    await ctx.store.save(n, 10n);
    equal(await ctx.store.load(n), 10n, 'after an equal save');
    await ctx.store.save(n, 11n);
    equal(await ctx.store.load(n), 11n, 'after a higher save');
  }),

  c('checkpoint store: concurrent saves end at the highest position', async ({ store, name }) => {
    const n = name('contended');
    await Promise.all([30n, 70n, 10n, 50n, 20n, 60n, 40n].map((p) => store.save(n, p)));
    equal(await store.load(n), 70n, 'after concurrent saves of 10n..70n');
  }),

  c('checkpoint store: a restart (a new instance over the same storage) loads the last position', async (ctx) => {
    if (ctx.factory.reopen === undefined) {
      return fail(
        'factory.reopen is missing: give the suite a new instance over the same storage, ' +
          'or name this case in factory.unsupported with the reason',
      );
    }
    const n = ctx.name('durable');
    await ctx.store.save(n, 5n);
    await ctx.store.save(n, 8n);
    const reopened = await ctx.factory.reopen(ctx.store);
    equal(await reopened.load(n), 8n, 'load after the restart');
    await reopened.save(n, 6n);
    equal(await reopened.load(n), 8n, 'a lower save after the restart is ignored');
    equal(await ctx.store.load(n), 8n, 'the first instance agrees');
  }),

  c('checkpoint store: a bad position is refused with invalid_position and changes nothing', async (ctx) => {
    const n = ctx.name('bad-position');
    await ctx.store.save(n, 4n);
    for (const position of [-1n, 5, undefined, '5', null]) {
      const what = `save with position ${show(position)}`;
      const error = await rejection(() => ctx.store.save(n, position as bigint), what);
      expectInvalidInput(error, 'invalid_position', what, 'position');
    }
    const fresh = ctx.name('bad-first');
    await rejection(() => ctx.store.save(fresh, -1n), 'a bad first save');
    equal(await ctx.store.load(n), 4n, 'the checkpoint after the refused saves');
    equal(await ctx.store.load(fresh), undefined, 'nothing stored by a refused first save');
  }),

  c('checkpoint store: a bad name is refused with invalid_checkpoint_name', async ({ store }) => {
    for (const name of ['', '   ', 7, null]) {
      for (const [op, attempt] of [
        ['save', () => store.save(name as string, 1n)],
        ['load', () => store.load(name as string)],
      ] as const) {
        const what = `${op} with name ${show(name)}`;
        expectInvalidInput(await rejection(attempt, what), 'invalid_checkpoint_name', what, 'name');
      }
    }
  }),
];
