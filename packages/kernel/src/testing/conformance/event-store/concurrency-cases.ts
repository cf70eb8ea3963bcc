import type { ExpectedVersion } from '../../../event-store/expected-version';
import type { RecordedEvent } from '../../../event-store/recorded-event';
import { isWrongExpectedVersionError } from '../../../event-store/wrong-expected-version-error';
import { check, equal, equalDeep, fail, show } from '../shared/assert';
import { type CaseContext, withStore } from './fixtures';
import type { ConformanceCase } from './types';

const c = (name: string, body: (ctx: CaseContext) => Promise<void>): ConformanceCase => ({
  name,
  run: (factory) => withStore(factory, body),
});

const WRITERS = 20;
/** Each writer appends these batches one after the other. */
const BATCHES = [1, 2, 1] as const;
const MAX_ATTEMPTS = 500;

/**
 * One optimistic writer: reads the stream's version, appends at exactly that version, and on a
 * conflict reads again and retries.
 */
const optimisticWriter = async (ctx: CaseContext, streamId: string, writer: number): Promise<void> => {
  for (const [b, size] of BATCHES.entries()) {
    const batch = Array.from({ length: size }, (_, i) =>
      ctx.event('Written', { writer, batch: b, i }, { eventId: ctx.id(`w${writer}-b${b}-e${i}`) }),
    );
    for (let attempt = 1; ; attempt++) {
      if (attempt > MAX_ATTEMPTS) fail(`writer ${writer} could not append after ${MAX_ATTEMPTS} attempts`);
      const last = (await ctx.store.readStream(streamId, { direction: 'backwards', maxCount: 1 }))[0];
      const expectedVersion: ExpectedVersion = last === undefined ? 'no_stream' : last.streamVersion;
      try {
        const result = await ctx.store.appendToStream(streamId, batch, { expectedVersion });
        const base = last === undefined ? -1n : last.streamVersion;
        equal(result.nextExpectedVersion, base + BigInt(size), `writer ${writer}: nextExpectedVersion`);
        break;
      } catch (error) {
        if (!isWrongExpectedVersionError(error)) throw error;
        check(
          error.actual !== 'no_stream' && (last === undefined || error.actual > last.streamVersion),
          `a conflict must report a newer state than the one read: read ${show(last?.streamVersion)}, actual ${show(error.actual)}`,
        );
      }
    }
  }
};

/** Writes from many concurrent writers: nothing lost, nothing doubled, versions contiguous. */
export const concurrencyCases: ReadonlyArray<ConformanceCase> = [
  c(`concurrency: ${WRITERS} optimistic writers on one stream each win every version exactly once`, async (ctx) => {
    const s = ctx.stream('contended');
    // How many conflicts the writers meet depends on scheduling; only the outcome is asserted.
    await Promise.all(Array.from({ length: WRITERS }, (_, w) => optimisticWriter(ctx, s, w)));
    const perWriter = BATCHES.reduce((n, size) => n + size, 0);
    const total = WRITERS * perWriter;
    const events = await ctx.store.readStream(s);
    equalDeep(
      events.map((e) => e.streamVersion),
      Array.from({ length: total }, (_, i) => BigInt(i)),
      'stream versions must be contiguous from 0n',
    );
    const ids = events.map((e) => e.metadata.eventId);
    equal(new Set(ids).size, total, 'distinct event ids in the stream (no duplicates)');
    for (let w = 0; w < WRITERS; w++) {
      const mine = events.filter((e) => (e.event as unknown as { writer: number }).writer === w);
      equal(mine.length, perWriter, `events of writer ${w}`);
      // A batch is atomic: its events sit at consecutive versions, in order.
      let k = 0;
      for (const [b, size] of BATCHES.entries()) {
        for (let i = 0; i < size; i++) {
          equal(mine[k + i]!.metadata.eventId, ctx.id(`w${w}-b${b}-e${i}`), `writer ${w}, batch ${b}, event ${i}`);
          if (i > 0) equal(mine[k + i]!.streamVersion, mine[k + i - 1]!.streamVersion + 1n, 'a batch is contiguous');
        }
        k += size;
      }
    }
    const all = await ctx.ownAll();
    equalDeep(
      all.map((e) => e.metadata.eventId),
      ids,
      "readAll holds the stream's events once each, in version order",
    );
  }),

  c('concurrency: concurrent appends to many streams all land, each once, in global order', async (ctx) => {
    const streams = Array.from({ length: 10 }, (_, i) => ctx.stream(`parallel${i}`));
    await Promise.all(
      streams.map(async (s, i) => {
        for (let n = 0; n < 5; n++) await ctx.store.appendToStream(s, [ctx.event('P', { i, n })]);
      }),
    );
    const all = await ctx.ownAll();
    equal(all.length, 50, 'events in readAll');
    const positions = all.map((e) => e.globalPosition);
    equal(new Set(positions.map(String)).size, 50, 'distinct global positions');
    for (let i = 1; i < all.length; i++) {
      check(all[i]!.globalPosition > all[i - 1]!.globalPosition, 'readAll positions must strictly increase');
    }
    for (const s of streams) {
      const fromAll = all.filter((e) => e.streamId === s).map((e) => e.streamVersion);
      equalDeep(fromAll, [0n, 1n, 2n, 3n, 4n], `versions of ${s} in global order`);
    }
  }),

  c('concurrency: racing retries of one append all succeed and write it once', async (ctx) => {
    const s = ctx.stream('retried');
    const batch = [ctx.event('A'), ctx.event('B')];
    const results = await Promise.all(
      Array.from({ length: 8 }, () => ctx.store.appendToStream(s, batch, { expectedVersion: 'no_stream' })),
    );
    const events: ReadonlyArray<RecordedEvent> = await ctx.store.readStream(s);
    equal(events.length, 2, 'events written by eight racing retries');
    for (const result of results) {
      equal(result.nextExpectedVersion, 1n, 'nextExpectedVersion of every retry');
      equal(result.position, events[1]!.globalPosition, 'position of every retry');
    }
  }),
];
