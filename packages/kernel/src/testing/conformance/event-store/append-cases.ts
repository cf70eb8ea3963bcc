import type { ExpectedVersion, StreamState } from '../../../event-store/expected-version';
import { isWrongExpectedVersionError } from '../../../event-store/wrong-expected-version-error';
import { check, equal, equalDeep, fail, rejection, show } from '../shared/assert';
import { type CaseContext, withStore } from './fixtures';
import type { ConformanceCase } from './types';

/** Asserts `error` is a WrongExpectedVersionError naming the stream, the expectation and the real state. */
export const expectConflict = (
  error: unknown,
  streamId: string,
  expected: ExpectedVersion,
  actual: StreamState,
  what: string,
): void => {
  if (!isWrongExpectedVersionError(error)) {
    fail(
      `${what}: expected a WrongExpectedVersionError, got ${error instanceof Error ? `${error.name}: ${error.message}` : show(error)}`,
    );
    return;
  }
  equal(error.streamId, streamId, `${what}: error.streamId`);
  equal(error.expected, expected, `${what}: error.expected`);
  equal(error.actual, actual, `${what}: error.actual (the stream's real state)`);
};

/** Appends `count` single events one append at a time; answers the last result. */
const seed = async (ctx: CaseContext, streamId: string, count: number) => {
  let result = { nextExpectedVersion: -1n, position: -1n };
  for (let i = 0; i < count; i++) result = await ctx.store.appendToStream(streamId, [ctx.event('Seeded', { i })]);
  return result;
};

/** Asserts a stream holds exactly `count` events (versions 0..count-1). */
const expectStreamLength = async (ctx: CaseContext, streamId: string, count: number, what: string) => {
  const events = await ctx.store.readStream(streamId);
  equal(events.length, count, `${what}: events in ${streamId}`);
};

const c = (name: string, body: (ctx: CaseContext) => Promise<void>): ConformanceCase => ({
  name,
  run: (factory) => withStore(factory, body),
});

/** Expected-version semantics and the numbering of versions and positions. */
export const appendCases: ReadonlyArray<ConformanceCase> = [
  c("append: 'no_stream' creates a missing stream at version 0n", async (ctx) => {
    const s = ctx.stream('order');
    const result = await ctx.store.appendToStream(s, [ctx.event('Created')], { expectedVersion: 'no_stream' });
    equal(result.nextExpectedVersion, 0n, 'nextExpectedVersion after the first event');
    const events = await ctx.store.readStream(s);
    equal(events.length, 1, 'events in the new stream');
    equal(events[0]!.streamVersion, 0n, 'version of the first event');
    equal(events[0]!.globalPosition, result.position, 'position answered by the append');
  }),

  c("append: 'no_stream' on an existing stream fails with the actual version", async (ctx) => {
    const s = ctx.stream('order');
    await seed(ctx, s, 2);
    const error = await rejection(
      () => ctx.store.appendToStream(s, [ctx.event('Again')], { expectedVersion: 'no_stream' }),
      "'no_stream' on a stream at 1n",
    );
    expectConflict(error, s, 'no_stream', 1n, "'no_stream' on a stream at 1n");
    await expectStreamLength(ctx, s, 2, 'after the conflict');
  }),

  c("append: 'any' writes to a missing and to an existing stream", async (ctx) => {
    const s = ctx.stream('order');
    const first = await ctx.store.appendToStream(s, [ctx.event('A')], { expectedVersion: 'any' });
    equal(first.nextExpectedVersion, 0n, "'any' on a missing stream");
    const second = await ctx.store.appendToStream(s, [ctx.event('B'), ctx.event('C')], { expectedVersion: 'any' });
    equal(second.nextExpectedVersion, 2n, "'any' on an existing stream");
    const third = await ctx.store.appendToStream(s, [ctx.event('D')]);
    equal(third.nextExpectedVersion, 3n, 'no expectedVersion defaults to any');
    await expectStreamLength(ctx, s, 4, "after the 'any' appends");
  }),

  c("append: 'stream_exists' on a missing stream fails with actual 'no_stream'", async (ctx) => {
    const s = ctx.stream('order');
    const error = await rejection(
      () => ctx.store.appendToStream(s, [ctx.event('A')], { expectedVersion: 'stream_exists' }),
      "'stream_exists' on a missing stream",
    );
    expectConflict(error, s, 'stream_exists', 'no_stream', "'stream_exists' on a missing stream");
    await expectStreamLength(ctx, s, 0, 'after the conflict');
  }),

  c("append: 'stream_exists' on an existing stream succeeds", async (ctx) => {
    const s = ctx.stream('order');
    await seed(ctx, s, 1);
    const result = await ctx.store.appendToStream(s, [ctx.event('A'), ctx.event('B')], {
      expectedVersion: 'stream_exists',
    });
    equal(result.nextExpectedVersion, 2n, "nextExpectedVersion after 'stream_exists'");
    await expectStreamLength(ctx, s, 3, "after the 'stream_exists' append");
  }),

  c(
    'append: an exact version succeeds when it is the current one and fails with the actual one otherwise',
    async (ctx) => {
      const s = ctx.stream('order');
      const onMissing = await rejection(
        () => ctx.store.appendToStream(s, [ctx.event('A')], { expectedVersion: 0n }),
        '0n on a missing stream',
      );
      expectConflict(onMissing, s, 0n, 'no_stream', '0n on a missing stream');
      await seed(ctx, s, 3);
      const ok = await ctx.store.appendToStream(s, [ctx.event('B')], { expectedVersion: 2n });
      equal(ok.nextExpectedVersion, 3n, 'nextExpectedVersion after an exact append');
      for (const wrong of [0n, 2n, 4n, 100n]) {
        const error = await rejection(
          () => ctx.store.appendToStream(s, [ctx.event('C')], { expectedVersion: wrong }),
          `${wrong}n on a stream at 3n`,
        );
        expectConflict(error, s, wrong, 3n, `${wrong}n on a stream at 3n`);
      }
      await expectStreamLength(ctx, s, 4, 'after the conflicts');
    },
  ),

  c(
    'append: versions start at 0n, are contiguous, and every append answers its last version and position',
    async (ctx) => {
      const s = ctx.stream('order');
      const results = [];
      let expected: ExpectedVersion = 'no_stream';
      for (const size of [1, 3, 2, 5]) {
        const batch = Array.from({ length: size }, (_, i) => ctx.event('Step', { size, i }));
        const result = await ctx.store.appendToStream(s, batch, { expectedVersion: expected });
        results.push({ size, result });
        expected = result.nextExpectedVersion;
      }
      const events = await ctx.store.readStream(s);
      equalDeep(
        events.map((e) => e.streamVersion),
        Array.from({ length: 11 }, (_, i) => BigInt(i)),
        'stream versions',
      );
      let end = -1;
      for (const { size, result } of results) {
        end += size;
        equal(result.nextExpectedVersion, BigInt(end), `nextExpectedVersion after a batch of ${size}`);
        equal(result.position, events[end]!.globalPosition, `position answered for the batch ending at ${end}`);
      }
      for (let i = 1; i < events.length; i++) {
        check(
          events[i]!.globalPosition > events[i - 1]!.globalPosition,
          `global positions must increase along a stream: ${show(events.map((e) => e.globalPosition))}`,
        );
      }
      for (const event of events) equal(event.streamId, s, 'streamId of a recorded event');
    },
  ),

  c('append: two streams are independent', async (ctx) => {
    const a = ctx.stream('left');
    const b = ctx.stream('right');
    await ctx.store.appendToStream(a, [ctx.event('A0'), ctx.event('A1')], { expectedVersion: 'no_stream' });
    const rb = await ctx.store.appendToStream(b, [ctx.event('B0')], { expectedVersion: 'no_stream' });
    equal(rb.nextExpectedVersion, 0n, "the second stream's version starts at 0n");
    const ra = await ctx.store.appendToStream(a, [ctx.event('A2')], { expectedVersion: 1n });
    equal(ra.nextExpectedVersion, 2n, "the first stream's version ignores the second");
    check(ra.position > rb.position, 'a later append gets a later position');
    equalDeep(
      (await ctx.store.readStream(b)).map((e) => e.event.type),
      ['B0'],
      'events of the second stream',
    );
  }),
];
