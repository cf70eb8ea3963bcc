import type { ReadAllOptions, ReadStreamOptions, Subscription } from '../../../event-store/event-store';
import { INVALID_READ_OPTIONS } from '../../../event-store/read-options';
import { equal, equalDeep, expectInvalidInput, rejection, show } from '../shared/assert';
import { within } from '../shared/timing';
import { type CaseContext, withStore } from './fixtures';
import type { ConformanceCase } from './types';

const c = (name: string, body: (ctx: CaseContext) => Promise<void>): ConformanceCase => ({
  name,
  run: (factory) => withStore(factory, body),
});

/** Renders options with bigints and odd values readably for failure messages. */
const label = (options: unknown): string => (options === undefined ? 'undefined' : show(options));

/** Bad option values and the issue path each must be reported at (the kernel's read-options rule). */
const BAD_MAX_COUNTS: ReadonlyArray<unknown> = [-1, 1.5, Number.NaN, Number.POSITIVE_INFINITY, 2n, '2', null];
const BAD_POSITIONS: ReadonlyArray<unknown> = [-1n, -7n, 1, '1', null];

const badStreamOptions: ReadonlyArray<readonly [unknown, string]> = [
  ...BAD_POSITIONS.map((fromVersion) => [{ fromVersion }, 'fromVersion'] as const),
  ...BAD_MAX_COUNTS.map((maxCount) => [{ maxCount }, 'maxCount'] as const),
  ...['sideways', 'BACKWARDS', null, 1].map((direction) => [{ direction }, 'direction'] as const),
  [{ tenantId: 7 }, 'tenantId'],
  [{ tenantId: null }, 'tenantId'],
  [null, 'options'],
  [5, 'options'],
];

const badAllOptions: ReadonlyArray<readonly [unknown, string]> = [
  ...BAD_POSITIONS.map((after) => [{ after }, 'after'] as const),
  ...BAD_MAX_COUNTS.map((maxCount) => [{ maxCount }, 'maxCount'] as const),
  [{ tenantId: 7 }, 'tenantId'],
  [null, 'options'],
  ['after', 'options'],
];

/**
 * The read-options rule (`assertValidReadStreamOptions` / `assertValidReadAllOptions` of
 * `@ordo/kernel/adapter-kit`): valid options work; each invalid one is refused by every adapter
 * with `InvalidInputError`, code `invalid_read_options`, and an issue whose path names the option.
 */
export const readOptionsCases: ReadonlyArray<ConformanceCase> = [
  c('read options: the edges of valid readStream and readAll options are accepted', async (ctx) => {
    const s = ctx.stream('edges');
    await ctx.store.appendToStream(s, [ctx.event('A'), ctx.event('B'), ctx.event('C')]);
    const own = await ctx.ownAll();
    const last = own.at(-1)!.globalPosition;
    const stream: ReadonlyArray<readonly [ReadStreamOptions | undefined, number]> = [
      [undefined, 3],
      [{}, 3],
      [{ maxCount: 0 }, 0],
      [{ maxCount: 0, direction: 'backwards' }, 0],
      [{ maxCount: Number.MAX_SAFE_INTEGER }, 3],
      [{ fromVersion: 0n }, 3],
      [{ fromVersion: 0n, direction: 'backwards' }, 1],
      [{ fromVersion: 2n ** 62n }, 0],
      [{ direction: 'forwards', fromVersion: 1n, maxCount: 1 }, 1],
      [{ tenantId: ctx.tenant('nobody') }, 0],
    ];
    for (const [options, count] of stream) {
      equal((await ctx.store.readStream(s, options)).length, count, `readStream(${label(options)}) events`);
    }
    const all: ReadonlyArray<readonly [ReadAllOptions, number]> = [
      [{ after: ctx.start }, 3],
      [{ after: ctx.start, maxCount: 0 }, 0],
      [{ after: ctx.start, maxCount: Number.MAX_SAFE_INTEGER }, 3],
      [{ after: last }, 0],
      [{ after: last + 1_000_000n }, 0],
      [{ after: ctx.start, tenantId: ctx.tenant('nobody') }, 0],
    ];
    for (const [options, count] of all) {
      equal(
        (await ctx.store.readAll(options)).filter(ctx.isOwn).length,
        count,
        `readAll(${label(options)}) own events`,
      );
    }
    const first = await ctx.store.readAll({ after: 0n, maxCount: 1 });
    equal(first.length, 1, 'readAll({ after: 0n }) starts at the beginning of a non-empty store');
    equalDeep(await ctx.store.readAll({ maxCount: 1 }), first, 'readAll without after is readAll({ after: 0n })');
  }),

  c('read options: each invalid readStream option is refused with invalid_read_options naming it', async (ctx) => {
    const existing = ctx.stream('existing');
    await ctx.store.appendToStream(existing, [ctx.event('A')]);
    for (const streamId of [existing, ctx.stream('missing')]) {
      for (const [options, path] of badStreamOptions) {
        const what = `readStream(${streamId === existing ? 'an existing' : 'a missing'} stream, ${label(options)})`;
        const error = await rejection(() => ctx.store.readStream(streamId, options as ReadStreamOptions), what);
        expectInvalidInput(error, INVALID_READ_OPTIONS, what, path);
      }
    }
  }),

  c('read options: each invalid readAll option is refused with invalid_read_options naming it', async (ctx) => {
    await ctx.store.appendToStream(ctx.stream('any'), [ctx.event('A')]);
    for (const [options, path] of badAllOptions) {
      const what = `readAll(${label(options)})`;
      const error = await rejection(() => ctx.store.readAll(options as ReadAllOptions), what);
      expectInvalidInput(error, INVALID_READ_OPTIONS, what, path);
    }
  }),

  c(
    'read options: subscribeToAll refuses an invalid after with invalid_read_options (thrown, or through done)',
    async (ctx) => {
      for (const after of [-1n, 1]) {
        const what = `subscribeToAll({ after: ${label(after)} })`;
        let subscription: Subscription | undefined;
        let error: unknown;
        try {
          subscription = ctx.store.subscribeToAll({ after: after as bigint, onEvent: () => undefined });
        } catch (thrown) {
          error = thrown;
        }
        if (subscription !== undefined) {
          try {
            error = await within(
              rejection(() => subscription!.done, what),
              ctx.timeoutMs,
              `${what}: done`,
            );
          } finally {
            await subscription.stop();
          }
        }
        expectInvalidInput(error, INVALID_READ_OPTIONS, what, 'after');
      }
    },
  ),
];
