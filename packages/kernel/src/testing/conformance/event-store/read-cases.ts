import type { ReadStreamOptions } from '../../../event-store/event-store';
import type { RecordedEvent } from '../../../event-store/recorded-event';
import { check, equal, equalDeep, show } from '../shared/assert';
import { type CaseContext, withStore } from './fixtures';
import type { ConformanceCase } from './types';

const c = (name: string, body: (ctx: CaseContext) => Promise<void>): ConformanceCase => ({
  name,
  run: (factory) => withStore(factory, body),
});

/** Writes interleaved appends of various sizes to three streams; answers the stream ids. */
const writeMix = async (ctx: CaseContext): Promise<string[]> => {
  const streams = [ctx.stream('alpha'), ctx.stream('beta'), ctx.stream('gamma')];
  const sizes = [1, 3, 2, 1, 4, 1, 2, 1, 1, 3];
  for (const [i, size] of sizes.entries()) {
    const s = streams[i % streams.length]!;
    await ctx.store.appendToStream(
      s,
      Array.from({ length: size }, (_, k) => ctx.event('Mixed', { i, k })),
    );
  }
  return streams;
};

const key = (e: RecordedEvent) => `${e.streamId}@${e.streamVersion}`;

const versions = (events: ReadonlyArray<RecordedEvent>) => events.map((e) => Number(e.streamVersion));

/** `$all` order and paging, and stream reads in both directions. */
export const readCases: ReadonlyArray<ConformanceCase> = [
  c('readAll: strictly increasing positions, every event exactly once, the same events as readStream', async (ctx) => {
    const streams = await writeMix(ctx);
    const all = await ctx.ownAll();
    equal(all.length, 19, 'own events in readAll');
    for (let i = 1; i < all.length; i++) {
      check(
        all[i]!.globalPosition > all[i - 1]!.globalPosition,
        `readAll positions must strictly increase: ${show(all.map((e) => e.globalPosition))}`,
      );
    }
    const fromStreams = (await Promise.all(streams.map((s) => ctx.store.readStream(s)))).flat();
    equal(new Set(all.map(key)).size, all.length, 'distinct (stream, version) pairs in readAll');
    equalDeep(
      [...all.map(key)].sort(),
      [...fromStreams.map(key)].sort(),
      'readAll and readStream hold the same events',
    );
    const byKey = new Map(all.map((e) => [key(e), e]));
    for (const e of fromStreams) equalDeep(byKey.get(key(e)), e, `${key(e)} read through readAll and readStream`);
    // Appends are in order: the order of the writes is the global order.
    equalDeep(
      all.map((e) => (e.event as unknown as { i: number }).i),
      [0, 1, 1, 1, 2, 2, 3, 4, 4, 4, 4, 5, 6, 6, 7, 8, 9, 9, 9],
      'global order follows the order of the appends',
    );
  }),

  c('readAll: paging with after and maxCount covers every event exactly once', async (ctx) => {
    await writeMix(ctx);
    const reference = (await ctx.ownAll()).map(key);
    for (const pageSize of [1, 2, 3, 7, 50]) {
      const paged = (await ctx.ownAll({ pageSize })).map(key);
      equalDeep(paged, reference, `paging by ${pageSize}`);
    }
    const one = await ctx.store.readAll({ after: ctx.start, maxCount: 1 });
    equal(one.length, 1, 'readAll({ maxCount: 1 }) answers one event');
    const last = (await ctx.ownAll()).at(-1)!;
    equalDeep(
      (await ctx.store.readAll({ after: last.globalPosition })).filter(ctx.isOwn),
      [],
      'readAll after the last own event holds no own event',
    );
    const first = await ctx.store.readAll({ maxCount: 1 });
    equal(first.length, 1, 'readAll() without after starts at the beginning of a non-empty store');
    check(first[0]!.globalPosition <= ctx.start, 'readAll() without after starts at the beginning of the log');
  }),

  c('readStream: forwards and backwards with fromVersion and maxCount', async (ctx) => {
    const s = ctx.stream('ten');
    const appended = Array.from({ length: 10 }, (_, i) => ctx.event('Numbered', { n: i }));
    await ctx.store.appendToStream(s, appended.slice(0, 4), { expectedVersion: 'no_stream' });
    await ctx.store.appendToStream(s, appended.slice(4), { expectedVersion: 3n });
    const cases: ReadonlyArray<[ReadStreamOptions, number[]]> = [
      [{}, [0, 1, 2, 3, 4, 5, 6, 7, 8, 9]],
      [{ direction: 'forwards' }, [0, 1, 2, 3, 4, 5, 6, 7, 8, 9]],
      [{ fromVersion: 3n }, [3, 4, 5, 6, 7, 8, 9]],
      [{ fromVersion: 3n, maxCount: 4 }, [3, 4, 5, 6]],
      [{ maxCount: 2 }, [0, 1]],
      [{ fromVersion: 9n }, [9]],
      [{ fromVersion: 10n }, []],
      [{ fromVersion: 1000n }, []],
      [{ direction: 'backwards' }, [9, 8, 7, 6, 5, 4, 3, 2, 1, 0]],
      [{ direction: 'backwards', maxCount: 3 }, [9, 8, 7]],
      [{ direction: 'backwards', fromVersion: 5n }, [5, 4, 3, 2, 1, 0]],
      [{ direction: 'backwards', fromVersion: 5n, maxCount: 2 }, [5, 4]],
      [{ direction: 'backwards', fromVersion: 0n }, [0]],
      [{ direction: 'backwards', fromVersion: 1000n, maxCount: 2 }, [9, 8]],
    ];
    for (const [options, expected] of cases) {
      equalDeep(versions(await ctx.store.readStream(s, options)), expected, `readStream(${show(options)})`);
    }
    const events = await ctx.store.readStream(s);
    for (const [i, e] of events.entries()) {
      equal(e.streamId, s, 'streamId');
      equalDeep(e.event, appended[i]!.event, `event data at ${i}`);
      equalDeep(e.metadata, appended[i]!.metadata, `metadata at ${i}`);
    }
  }),

  c('readStream: a missing stream reads as an empty list', async (ctx) => {
    const s = ctx.stream('missing');
    for (const options of [
      {},
      { direction: 'backwards' },
      { fromVersion: 5n },
      { maxCount: 10 },
      { direction: 'backwards', fromVersion: 3n, maxCount: 1 },
    ] as ReadonlyArray<ReadStreamOptions>) {
      equalDeep(await ctx.store.readStream(s, options), [], `readStream of a missing stream ${show(options)}`);
    }
    // A stream whose name extends an existing one is another stream.
    const existing = ctx.stream('exists');
    await ctx.store.appendToStream(existing, [ctx.event('A')]);
    equalDeep(await ctx.store.readStream(`${existing}x`), [], 'a stream id that extends an existing one');
  }),
];
