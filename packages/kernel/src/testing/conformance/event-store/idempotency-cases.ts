import type { AppendResult } from '../../../event-store/event-store';
import type { ExpectedVersion } from '../../../event-store/expected-version';
import type { NewEvent } from '../../../event-store/recorded-event';
import { expectConflict } from './append-cases';
import { equal, equalDeep, expectInvalidInput, rejection } from '../shared/assert';
import { type CaseContext, withStore } from './fixtures';
import type { ConformanceCase } from './types';

const c = (name: string, body: (ctx: CaseContext) => Promise<void>): ConformanceCase => ({
  name,
  run: (factory) => withStore(factory, body),
});

/** Snapshot of the case's events, to prove that a call wrote nothing. */
const snapshot = async (ctx: CaseContext) => (await ctx.ownAll()).map((e) => `${e.streamId}@${e.streamVersion}`);

/** Asserts that `retry` succeeds with `expected` as its result and writes nothing. */
const expectIdempotent = async (
  ctx: CaseContext,
  retry: () => Promise<AppendResult>,
  expected: AppendResult,
  what: string,
) => {
  const before = await snapshot(ctx);
  const result = await retry();
  equal(result.nextExpectedVersion, expected.nextExpectedVersion, `${what}: nextExpectedVersion`);
  equal(result.position, expected.position, `${what}: position`);
  equalDeep(await snapshot(ctx), before, `${what}: the store must be unchanged`);
};

/**
 * The idempotency rule of `EventStore.appendToStream`: a retry of the same event ids at an
 * expected version that the state before them satisfied writes nothing and answers what the
 * first append answered; other reuses of stored ids conflict or are `duplicate_event_id`.
 */
export const idempotencyCases: ReadonlyArray<ConformanceCase> = [
  c(
    'idempotency: re-appending the same ids at the same expected version writes nothing, for every kind',
    async (ctx) => {
      const kinds: ReadonlyArray<[string, (version: bigint) => ExpectedVersion]> = [
        ["'no_stream'", () => 'no_stream'],
        ["'any'", () => 'any'],
        ["'stream_exists'", () => 'stream_exists'],
        ['an exact version', (version) => version],
      ];
      for (const [label, expectedFor] of kinds) {
        const s = ctx.stream(`kind${kinds.findIndex(([l]) => l === label)}`);
        // 'stream_exists' and exact versions need a stream to exist first.
        let version = -1n;
        if (label !== "'no_stream'" && label !== "'any'") {
          version = (await ctx.store.appendToStream(s, [ctx.event('Opened')])).nextExpectedVersion;
        }
        const batch = [ctx.event('A'), ctx.event('B'), ctx.event('C')];
        const expectedVersion = expectedFor(version);
        const first = await ctx.store.appendToStream(s, batch, { expectedVersion });
        equal(first.nextExpectedVersion, version + 3n, `${label}: first append`);
        await expectIdempotent(
          ctx,
          () => ctx.store.appendToStream(s, batch, { expectedVersion }),
          first,
          `${label}: retry`,
        );
        // A retry with copies of the events (as after a network retry) is the same retry.
        const copies = batch.map((e) => ({ event: { ...e.event }, metadata: { ...e.metadata } }));
        await expectIdempotent(
          ctx,
          () => ctx.store.appendToStream(s, copies, { expectedVersion }),
          first,
          `${label}: retry with copies`,
        );
      }
    },
  ),

  c('idempotency: a retry still succeeds at its original version after later appends', async (ctx) => {
    const s = ctx.stream('order');
    await ctx.store.appendToStream(s, [ctx.event('Zero')], { expectedVersion: 'no_stream' });
    const batch = [ctx.event('One'), ctx.event('Two')];
    const first = await ctx.store.appendToStream(s, batch, { expectedVersion: 0n });
    equal(first.nextExpectedVersion, 2n, 'first append');
    await ctx.store.appendToStream(s, [ctx.event('Three')], { expectedVersion: 2n });
    await expectIdempotent(
      ctx,
      () => ctx.store.appendToStream(s, batch, { expectedVersion: 0n }),
      first,
      'retry at 0n after the stream moved to 3n',
    );
    await expectIdempotent(
      ctx,
      () => ctx.store.appendToStream(s, batch, { expectedVersion: 'any' }),
      first,
      "retry with 'any'",
    );
    await expectIdempotent(
      ctx,
      () => ctx.store.appendToStream(s, batch, { expectedVersion: 'stream_exists' }),
      first,
      "retry with 'stream_exists' (the events start at 1n)",
    );
    // A leading part of the stored run is a retry too: its ids match the stored run from p.
    const one = await ctx.store.readStream(s, { fromVersion: 1n, maxCount: 1 });
    await expectIdempotent(
      ctx,
      () => ctx.store.appendToStream(s, [batch[0]!], { expectedVersion: 0n }),
      { nextExpectedVersion: 1n, position: one[0]!.globalPosition },
      'retry of the first event alone',
    );
  }),

  c('idempotency: a retry whose expected version did not hold before its events conflicts', async (ctx) => {
    const s = ctx.stream('order');
    const zero = ctx.event('Zero');
    await ctx.store.appendToStream(s, [zero], { expectedVersion: 'no_stream' });
    const batch = [ctx.event('One'), ctx.event('Two')];
    await ctx.store.appendToStream(s, batch, { expectedVersion: 0n });
    const before = await snapshot(ctx);
    // The state before the events was 0n: 1n, 'no_stream' describe another history.
    const wrongExact = await rejection(
      () => ctx.store.appendToStream(s, batch, { expectedVersion: 1n }),
      'retry at 1n of events stored after 0n',
    );
    expectConflict(wrongExact, s, 1n, 2n, 'retry at 1n of events stored after 0n');
    const wrongKind = await rejection(
      () => ctx.store.appendToStream(s, batch, { expectedVersion: 'no_stream' }),
      "retry with 'no_stream' of events stored at 1n",
    );
    expectConflict(wrongKind, s, 'no_stream', 2n, "retry with 'no_stream' of events stored at 1n");
    // Expected version right for the current state, but the ids are taken: duplicate ids.
    const current = await rejection(
      () => ctx.store.appendToStream(s, batch, { expectedVersion: 2n }),
      'ids of stored events appended again at the current version',
    );
    expectInvalidInput(current, 'duplicate_event_id', 'ids of stored events appended again at the current version');
    // 'stream_exists' held before 0n? No: the stream did not exist then.
    const first = await rejection(
      () => ctx.store.appendToStream(s, [zero], { expectedVersion: 'stream_exists' }),
      "retry with 'stream_exists' of the stream's first event",
    );
    expectInvalidInput(first, 'duplicate_event_id', "retry with 'stream_exists' of the stream's first event");
    equalDeep(await snapshot(ctx), before, 'nothing written by the refused retries');
  }),

  c('idempotency: a batch that only partly matches stored ids is refused and writes nothing', async (ctx) => {
    const s = ctx.stream('order');
    const stored = [ctx.event('A'), ctx.event('B'), ctx.event('C')];
    await ctx.store.appendToStream(s, stored, { expectedVersion: 'no_stream' });
    const before = await snapshot(ctx);
    const cases: ReadonlyArray<[string, ReadonlyArray<NewEvent>]> = [
      ['a stored id followed by a new one', [stored[0]!, ctx.event('New')]],
      ['a new id followed by a stored one', [ctx.event('New'), stored[1]!]],
      ['stored ids out of order', [stored[1]!, stored[0]!]],
      ['stored ids with a gap', [stored[0]!, stored[2]!]],
      ['more events than the stored run', [...stored, ctx.event('New')]],
    ];
    for (const [label, batch] of cases) {
      const error = await rejection(() => ctx.store.appendToStream(s, batch, { expectedVersion: 'any' }), label);
      expectInvalidInput(error, 'duplicate_event_id', label);
      const conflict = await rejection(
        () => ctx.store.appendToStream(s, batch, { expectedVersion: 'no_stream' }),
        label,
      );
      expectConflict(conflict, s, 'no_stream', 2n, `${label} with 'no_stream'`);
    }
    equalDeep(await snapshot(ctx), before, 'nothing written by the refused batches');
    equal((await ctx.store.readStream(s)).length, 3, 'events in the stream');
  }),

  c('idempotency: event ids are unique store-wide', async (ctx) => {
    const a = ctx.stream('first');
    const b = ctx.stream('second');
    const event = ctx.event('A');
    await ctx.store.appendToStream(a, [event], { expectedVersion: 'no_stream' });
    const before = await snapshot(ctx);
    for (const expectedVersion of ['no_stream', 'any'] as const) {
      const error = await rejection(
        () => ctx.store.appendToStream(b, [event], { expectedVersion }),
        `an id of stream ${a} appended to ${b} with '${expectedVersion}'`,
      );
      expectInvalidInput(error, 'duplicate_event_id', `an id stored in another stream ('${expectedVersion}')`);
    }
    const mixed = await rejection(
      () => ctx.store.appendToStream(b, [ctx.event('B'), event], { expectedVersion: 'any' }),
      'a batch with one id stored in another stream',
    );
    expectInvalidInput(mixed, 'duplicate_event_id', 'a batch with one id stored in another stream');
    equal((await ctx.store.readStream(b)).length, 0, `events in ${b}`);
    equalDeep(await snapshot(ctx), before, 'nothing written');
  }),
];
