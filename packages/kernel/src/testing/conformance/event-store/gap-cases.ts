import type { RecordedEvent } from '../../../event-store/recorded-event';
import { check, equal, equalDeep, fail } from '../shared/assert';
import { type Deferred, deferred, eventually, sleep, within } from '../shared/timing';
import { type CaseContext, type Collector, collect, withStore } from './fixtures';
import type { CommitHold, ConformanceCase } from './types';

const ids = (events: ReadonlyArray<RecordedEvent>) => events.map((e) => e.metadata.eventId);

/** A reader that pages through `readAll` from the case's start, over and over, as a projection runner does. */
interface Follower {
  /** The case's own events, in the order the follower read them. */
  readonly events: RecordedEvent[];
  /** Resolves once the follower has completed `n` more reads. */
  readonly afterReads: (n: number) => Promise<void>;
  /** Resolves once the follower has read an event with this id (fails after the case's timeout). */
  readonly until: (eventId: string, what: string) => Promise<void>;
  readonly stop: () => Promise<void>;
}

/**
 * Starts a {@link Follower}: `readAll({ after: cursor, maxCount: pageSize })`, the cursor moving
 * to the last event read. A store that answers an event at or before the cursor fails at once.
 */
const follow = (ctx: CaseContext, pageSize: number): Follower => {
  const events: RecordedEvent[] = [];
  const seen = new Set<string>();
  let cursor = ctx.start;
  let reads = 0;
  let stopped = false;
  let waiters: Array<{ reads: number; resolve: () => void }> = [];
  const loop = (async () => {
    while (!stopped) {
      const page = await ctx.store.readAll({ after: cursor, maxCount: pageSize });
      for (const event of page) {
        if (event.globalPosition <= cursor) {
          fail(`readAll({ after: ${cursor}n }) answered an event at or before the cursor (${event.globalPosition}n)`);
        }
        cursor = event.globalPosition;
        if (!ctx.isOwn(event)) continue;
        events.push(event);
        seen.add(event.metadata.eventId);
      }
      reads += 1;
      const ready = waiters.filter((w) => reads >= w.reads);
      waiters = waiters.filter((w) => reads < w.reads);
      for (const w of ready) w.resolve();
      // A macrotask between reads, so that appends (and their timers and sockets) make progress.
      await sleep(page.length === 0 ? 2 : 0);
    }
  })();
  loop.catch(() => undefined);
  const failed = loop.then(
    () => fail('the follower stopped'),
    (error: unknown) => {
      throw error;
    },
  );
  failed.catch(() => undefined);
  return {
    events,
    afterReads: (n) => {
      const target = reads + n;
      const done = new Promise<void>((resolve) => waiters.push({ reads: target, resolve }));
      return within(Promise.race([done, failed]), ctx.timeoutMs, `${n} more reads of the follower`);
    },
    until: async (eventId, what) => {
      const t0 = reads;
      while (!seen.has(eventId)) {
        await within(
          Promise.race([new Promise<void>((resolve) => waiters.push({ reads: reads + 1, resolve })), failed]),
          ctx.timeoutMs,
          `${what} (the follower read ${reads - t0} pages meanwhile)`,
        );
      }
    },
    stop: async () => {
      stopped = true;
      await loop.catch(() => undefined);
    },
  };
};

/** Waits until both followers have the marker event, appended last: what they hold is then final. */
const settle = async (ctx: CaseContext, follower: Follower, sub: Collector, marker: string) => {
  await follower.until(marker, 'the readAll follower reaching the marker event');
  const ended = sub.subscription.done.then(() => fail('the subscription ended before the marker event'));
  await Promise.race([
    eventually(
      () => sub.events.some((e) => e.metadata.eventId === marker),
      ctx.timeoutMs,
      'the subscription reaching the marker event',
    ),
    ended,
  ]);
};

interface Gate {
  readonly name: string;
  /** Resolved when the store called the hold for an append carrying this gate. */
  readonly entered: Deferred;
  /** Resolve to let that append commit. */
  readonly release: Deferred;
}

/** Follower checks shared by the gap cases: each saw the case's events exactly once, in position order. */
const expectFollowed = (final: ReadonlyArray<RecordedEvent>, follower: Follower, sub: Collector) => {
  const finalIds = ids(final);
  const missed = (got: ReadonlyArray<RecordedEvent>) => finalIds.filter((id) => !ids(got).includes(id));
  equalDeep(
    ids(follower.events),
    finalIds,
    `a readAll follower must read every committed event exactly once, in position order (missed: ${missed(follower.events).join(', ') || 'none'})`,
  );
  equalDeep(
    ids(sub.events),
    finalIds,
    `a subscription must deliver every committed event exactly once, in position order (missed: ${missed(sub.events).join(', ') || 'none'})`,
  );
};

/**
 * The gap problem: an append that has taken its global positions but not committed yet, while
 * later appends commit. A reader paging with `after` past a position whose append commits a
 * moment later steps over it for good. Every store must prevent that (PostgreSQL orders commits
 * by position; memory and EventStoreDB commit atomically, in position order).
 */
export const gapCases: ReadonlyArray<ConformanceCase> = [
  {
    name: 'gap: a readAll follower and a subscription see every event exactly once, in order, under concurrent appends',
    run: (factory) =>
      withStore(factory, async (ctx) => {
        const follower = follow(ctx, 3);
        const sub = collect(ctx, { after: ctx.start, batchSize: 4 });
        try {
          const streams = Array.from({ length: 8 }, (_, i) => ctx.stream(`busy${i}`));
          await Promise.all(
            streams.map(async (s, i) => {
              for (let k = 0; k < 6; k++) {
                const size = 1 + ((i + k) % 3);
                await ctx.store.appendToStream(
                  s,
                  Array.from({ length: size }, (_, n) => ctx.event('Busy', { i, k, n })),
                );
              }
            }),
          );
          const marker = ctx.event('Marker');
          await ctx.store.appendToStream(ctx.stream('marker'), [marker]);
          const final = await ctx.ownAll();
          equal(final.length, 8 * 12 + 1, 'own events in readAll');
          await settle(ctx, follower, sub, marker.metadata.eventId);
          expectFollowed(final, follower, sub);
        } finally {
          await follower.stop();
          await sub.subscription.stop();
        }
      }),
  },
  {
    name: 'gap: appends held open before commit and released out of position order are neither skipped nor doubled by followers',
    run: async (factory) => {
      const createHeld = factory.createHeld;
      if (createHeld === undefined) {
        return fail(
          'factory.createHeld is missing: give the suite a store whose appends call a hold before they commit, ' +
            'or name this case in factory.unsupported with the reason the store cannot hold a commit',
        );
      }
      const gates = new Map<string, Gate>();
      const gate = (name: string): Gate => {
        const g: Gate = { name, entered: deferred(), release: deferred() };
        gates.set(name, g);
        return g;
      };
      const hold: CommitHold = async (appended) => {
        const name = (appended[0]?.event as { gate?: unknown } | undefined)?.gate;
        const g = typeof name === 'string' ? gates.get(name) : undefined;
        if (g === undefined) return;
        g.entered.resolve();
        await g.release.promise;
      };
      await withStore(
        factory,
        async (ctx) => {
          const a = gate(`${ctx.ns}:A`);
          const b = gate(`${ctx.ns}:B`);
          const follower = follow(ctx, 1);
          const sub = collect(ctx, { after: ctx.start, batchSize: 1 });
          const pending: Array<Promise<unknown>> = [];
          try {
            await within(sub.subscription.caughtUp, ctx.timeoutMs, 'caughtUp');
            // A takes the lowest positions and is held before it commits.
            const appendA = ctx.store.appendToStream(ctx.stream('held-a'), [
              ctx.event('HeldA', { gate: a.name, n: 0 }),
              ctx.event('HeldA', { gate: a.name, n: 1 }),
            ]);
            pending.push(appendA);
            await within(
              Promise.race([
                a.entered.promise,
                appendA.then(() => {
                  if (!a.entered.settled()) fail('the first append committed without calling hold');
                }),
              ]),
              ctx.timeoutMs,
              'the store calling hold inside the first append (createHeld must call it in every append)',
            );
            // B (held too) and C (free) start after A: a store may let them commit first, or make
            // them wait for A. Either way the followers read on meanwhile.
            const appendB = ctx.store.appendToStream(ctx.stream('held-b'), [ctx.event('HeldB', { gate: b.name })]);
            const appendC = ctx.store.appendToStream(ctx.stream('free-c'), [ctx.event('FreeC'), ctx.event('FreeC')]);
            pending.push(appendB, appendC);
            await Promise.race([appendC, follower.afterReads(30)]);
            await follower.afterReads(5);
            const visible = (await ctx.ownAll()).filter((e) => e.event.type === 'HeldA');
            equalDeep(ids(visible), [], 'events of an append held before its commit are visible to readAll');
            // B is released before A: the commits may come out of position order.
            b.release.resolve();
            await Promise.race([appendB, follower.afterReads(30)]);
            await follower.afterReads(5);
            a.release.resolve();
            await within(Promise.all(pending), ctx.timeoutMs, 'the appends after their release');
            const marker = ctx.event('Marker');
            await ctx.store.appendToStream(ctx.stream('marker'), [marker]);
            const final = await ctx.ownAll();
            equal(final.length, 6, 'own events in readAll after every append committed');
            check(
              final.filter((e) => e.event.type === 'HeldA').length === 2,
              'both events of the held append are stored',
            );
            await settle(ctx, follower, sub, marker.metadata.eventId);
            expectFollowed(final, follower, sub);
          } finally {
            for (const g of gates.values()) g.release.resolve();
            await Promise.allSettled(pending);
            await follower.stop();
            await sub.subscription.stop();
          }
        },
        () => createHeld(hold),
      );
    },
  },
];
