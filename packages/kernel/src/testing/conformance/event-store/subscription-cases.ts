import type { RecordedEvent } from '../../../event-store/recorded-event';
import { check, equal, equalDeep, fail, rejection } from '../shared/assert';
import { deferred } from '../shared/timing';
import { type CaseContext, collect, within } from './fixtures';
import { withStore } from './fixtures';
import type { ConformanceCase } from './types';

const c = (name: string, body: (ctx: CaseContext) => Promise<void>): ConformanceCase => ({
  name,
  run: (factory) => withStore(factory, body),
});

const ids = (events: ReadonlyArray<RecordedEvent>) => events.map((e) => e.metadata.eventId);

/** Catch-up then live delivery through `subscribeToAll`. */
export const subscriptionCases: ReadonlyArray<ConformanceCase> = [
  c('subscribeToAll: catches up from the start, resolves caughtUp, then delivers live events in order', async (ctx) => {
    const a = ctx.stream('subA');
    const b = ctx.stream('subB');
    await ctx.store.appendToStream(a, [ctx.event('A0'), ctx.event('A1')]);
    await ctx.store.appendToStream(b, [ctx.event('B0')]);
    await ctx.store.appendToStream(a, [ctx.event('A2'), ctx.event('A3')]);
    const sub = collect(ctx, { batchSize: 2 });
    try {
      await within(sub.subscription.caughtUp, ctx.timeoutMs, 'caughtUp');
      equalDeep(ids(sub.events), ids(await ctx.ownAll()), 'events delivered by the time caughtUp resolved');
      await ctx.store.appendToStream(b, [ctx.event('B1')]);
      await Promise.all([
        ctx.store.appendToStream(a, [ctx.event('A4'), ctx.event('A5'), ctx.event('A6')]),
        ctx.store.appendToStream(b, [ctx.event('B2')]),
      ]);
      await ctx.store.appendToStream(a, [ctx.event('A7')]);
      await sub.until(11, 'live events');
      equalDeep(ids(sub.events), ids(await ctx.ownAll()), 'live events in global order');
      for (let i = 1; i < sub.events.length; i++) {
        check(sub.events[i]!.globalPosition > sub.events[i - 1]!.globalPosition, 'delivery in increasing positions');
      }
    } finally {
      await sub.subscription.stop();
    }
    await within(sub.subscription.done, ctx.timeoutMs, 'done after stop()');
  }),

  c(
    'subscribeToAll: an event appended while the last catch-up event is handled is delivered (catch-up/live boundary)',
    async (ctx) => {
      const s = ctx.stream('boundary');
      await ctx.store.appendToStream(s, [ctx.event('Stored1'), ctx.event('Stored2')]);
      const delivered: RecordedEvent[] = [];
      const live = deferred();
      const sub = ctx.store.subscribeToAll({
        after: ctx.start,
        batchSize: 10,
        onEvent: async (e) => {
          if (!ctx.isOwn(e)) return;
          delivered.push(e);
          // The handler of the last stored event appends: the new event commits after the
          // catch-up read and before the subscription goes live, exactly at the boundary.
          if (e.event.type === 'Stored2') await ctx.store.appendToStream(s, [ctx.event('AtBoundary')]);
          if (e.event.type === 'Live') live.resolve();
        },
      });
      try {
        await within(sub.caughtUp, ctx.timeoutMs, 'caughtUp');
        await ctx.store.appendToStream(s, [ctx.event('Live')]);
        await within(
          Promise.race([live.promise, sub.done.then(() => fail('the subscription ended before the live event'))]),
          ctx.timeoutMs,
          'delivery of the first live event',
        );
        equalDeep(
          delivered.map((e) => e.event.type),
          ['Stored1', 'Stored2', 'AtBoundary', 'Live'],
          'events delivered across the catch-up/live boundary',
        );
        equalDeep(ids(delivered), ids(await ctx.ownAll()), 'delivered events are the stored ones, in global order');
      } finally {
        await sub.stop();
      }
    },
  ),

  c('subscribeToAll: starts strictly after a checkpoint', async (ctx) => {
    const s = ctx.stream('checkpointed');
    for (let i = 0; i < 6; i++) await ctx.store.appendToStream(s, [ctx.event('E', { i })]);
    const before = await ctx.ownAll();
    const checkpoint = before[2]!.globalPosition;
    const seen: RecordedEvent[] = [];
    const sub = collect(ctx, {
      after: checkpoint,
      batchSize: 1,
      keep: (e) => {
        seen.push(e);
        return ctx.isOwn(e);
      },
    });
    try {
      await within(sub.subscription.caughtUp, ctx.timeoutMs, 'caughtUp');
      await ctx.store.appendToStream(s, [ctx.event('Live1'), ctx.event('Live2')]);
      await sub.until(5, 'events after the checkpoint');
      const all = await ctx.ownAll();
      equalDeep(ids(sub.events), ids(all.slice(3)), 'events strictly after the checkpoint');
      check(
        seen.every((e) => e.globalPosition > checkpoint),
        'no event at or before the checkpoint is delivered',
      );
    } finally {
      await sub.subscription.stop();
    }
  }),

  c('subscribeToAll: stop() stops delivery', async (ctx) => {
    const s = ctx.stream('stopped');
    const first = collect(ctx, { after: ctx.start });
    await within(first.subscription.caughtUp, ctx.timeoutMs, 'caughtUp');
    await ctx.store.appendToStream(s, [ctx.event('Before1'), ctx.event('Before2')]);
    await first.until(2, 'events before stop()');
    await within(first.subscription.stop(), ctx.timeoutMs, 'stop()');
    await within(first.subscription.done, ctx.timeoutMs, 'done after stop()');
    const last = first.events[1]!.globalPosition;
    await ctx.store.appendToStream(s, [ctx.event('After1'), ctx.event('After2'), ctx.event('After3')]);
    // A second subscription that receives the later events proves they were announced.
    const barrier = collect(ctx, { after: last });
    try {
      await barrier.until(3, 'events after stop() through a second subscription');
    } finally {
      await barrier.subscription.stop();
    }
    equal(first.events.length, 2, 'events delivered to the stopped subscription');
    await first.subscription.stop(); // stopping twice is harmless
  }),

  c("subscribeToAll: awaits each handler before the next event and ends with the handler's error", async (ctx) => {
    const s = ctx.stream('handler');
    let running = 0;
    let maxRunning = 0;
    let openGate: () => void = () => undefined;
    const gate = new Promise<void>((resolve) => (openGate = resolve));
    let reachedGate: () => void = () => undefined;
    const gateReached = new Promise<void>((resolve) => (reachedGate = resolve));
    const failure = new Error('handler failure on purpose');
    const delivered: string[] = [];
    const sub = ctx.store.subscribeToAll({
      after: ctx.start,
      onEvent: async (e) => {
        if (!ctx.isOwn(e)) return;
        running += 1;
        maxRunning = Math.max(maxRunning, running);
        delivered.push(e.event.type);
        if (e.event.type === 'Gate') {
          reachedGate();
          await gate;
        }
        running -= 1;
        if (e.event.type === 'Boom') throw failure;
      },
    });
    try {
      await within(sub.caughtUp, ctx.timeoutMs, 'caughtUp');
      await ctx.store.appendToStream(s, [ctx.event('Gate'), ctx.event('Next'), ctx.event('Boom'), ctx.event('Never')]);
      await within(gateReached, ctx.timeoutMs, 'delivery of the first event');
      // Give the store every chance to deliver more while the first handler waits.
      await ctx.store.appendToStream(ctx.stream('other'), [ctx.event('Unrelated')]);
      for (let i = 0; i < 5; i++) await ctx.store.readAll({ after: ctx.start });
      equalDeep(delivered, ['Gate'], 'events delivered while the first handler was pending');
      openGate();
      const error = await within(
        rejection(() => sub.done, 'done of a subscription whose handler threw'),
        ctx.timeoutMs,
        'done after the handler error',
      );
      check(error === failure, "done rejects with the handler's own error");
      equalDeep(delivered, ['Gate', 'Next', 'Boom'], 'events delivered up to the failing one');
      equal(maxRunning, 1, 'handlers running at once');
    } finally {
      openGate();
      await sub.stop();
    }
  }),
];
