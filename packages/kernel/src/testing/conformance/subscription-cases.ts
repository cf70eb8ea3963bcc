import type { RecordedEvent } from '../../event-store/recorded-event';
import { check, equal, equalDeep, rejection } from './assert';
import { type CaseContext, DELIVERY_TIMEOUT_MS, collect, within } from './fixtures';
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
      await within(sub.subscription.caughtUp, DELIVERY_TIMEOUT_MS, 'caughtUp');
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
    await within(sub.subscription.done, DELIVERY_TIMEOUT_MS, 'done after stop()');
  }),

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
      await within(sub.subscription.caughtUp, DELIVERY_TIMEOUT_MS, 'caughtUp');
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
    await within(first.subscription.caughtUp, DELIVERY_TIMEOUT_MS, 'caughtUp');
    await ctx.store.appendToStream(s, [ctx.event('Before1'), ctx.event('Before2')]);
    await first.until(2, 'events before stop()');
    await within(first.subscription.stop(), DELIVERY_TIMEOUT_MS, 'stop()');
    await within(first.subscription.done, DELIVERY_TIMEOUT_MS, 'done after stop()');
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
      await within(sub.caughtUp, DELIVERY_TIMEOUT_MS, 'caughtUp');
      await ctx.store.appendToStream(s, [ctx.event('Gate'), ctx.event('Next'), ctx.event('Boom'), ctx.event('Never')]);
      await within(gateReached, DELIVERY_TIMEOUT_MS, 'delivery of the first event');
      // Give the store every chance to deliver more while the first handler waits.
      await ctx.store.appendToStream(ctx.stream('other'), [ctx.event('Unrelated')]);
      for (let i = 0; i < 5; i++) await ctx.store.readAll({ after: ctx.start });
      equalDeep(delivered, ['Gate'], 'events delivered while the first handler was pending');
      openGate();
      const error = await within(
        rejection(() => sub.done, 'done of a subscription whose handler threw'),
        DELIVERY_TIMEOUT_MS,
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
