import * as E from 'fp-ts/Either';
import type { CommandContext } from '../../../decider/command-context';
import { createCommandHandler } from '../../../decider/command-handler';
import { accept, type Decider } from '../../../decider/decider';
import { narrowStore } from '../../../event-store/event-store';
import { createLruStateCache } from '../../../decider/state-cache';
import { check, equal, equalDeep, fail, show } from '../shared/assert';
import { type CaseContext, OCCURRED_AT, withStore } from './fixtures';
import type { ConformanceCase } from './types';

type Add = { readonly type: 'Add'; readonly counter: string; readonly amount: number };
type Added = { readonly type: 'Added'; readonly amount: number };

/** A counter: every `Add` is accepted and adds its amount. */
const counter: Decider<Add, Added, number> = {
  initialState: 0,
  decide: (command) => accept({ type: 'Added', amount: command.amount }),
  evolve: (total, event) => total + event.amount,
};

const c = (name: string, body: (ctx: CaseContext) => Promise<void>): ConformanceCase => ({
  name,
  run: (factory) => withStore(factory, body),
});

const context = (ctx: CaseContext, command: string): CommandContext => ({
  commandId: ctx.id(command),
  occurredAt: OCCURRED_AT,
});

const handlerFor = (ctx: CaseContext, options: { maxRetries?: number; cached?: boolean } = {}) =>
  createCommandHandler({
    decider: counter,
    store: narrowStore<Added>(ctx.store),
    streamId: (command: Add) => command.counter,
    maxRetries: options.maxRetries ?? 3,
    ...(options.cached ? { cache: createLruStateCache<number>() } : {}),
  });

/** The kernel's command handler against the store: idempotent by command id, convergent under contention. */
export const commandHandlerCases: ReadonlyArray<ConformanceCase> = [
  c('command handler: a retried command id appends once', async (ctx) => {
    const s = ctx.stream('counter');
    const handler = handlerFor(ctx);
    const first = await handler.handle({ type: 'Add', counter: s, amount: 5 }, context(ctx, 'cmd-1'));
    if (E.isLeft(first)) return fail(`first command failed: ${show(first.left)}`);
    equal(first.right.duplicate, false, 'first handling is not a duplicate');
    const again = await handler.handle({ type: 'Add', counter: s, amount: 5 }, context(ctx, 'cmd-1'));
    if (E.isLeft(again)) return fail(`retried command failed: ${show(again.left)}`);
    equal(again.right.duplicate, true, 'the retried command is a duplicate');
    equal(again.right.events.length, 0, 'events appended by the retry');
    // A handler with a cache already past the command's events meets `duplicate_event_id`.
    const cached = handlerFor(ctx, { cached: true });
    await cached.handle({ type: 'Add', counter: s, amount: 2 }, context(ctx, 'cmd-2'));
    const late = await cached.handle({ type: 'Add', counter: s, amount: 5 }, context(ctx, 'cmd-1'));
    if (E.isLeft(late)) return fail(`late retry failed: ${show(late.left)}`);
    equal(late.right.duplicate, true, 'a late retry behind a cached state is a duplicate');
    const events = await ctx.store.readStream(s);
    equalDeep(
      events.map((e) => e.metadata.commandId),
      [ctx.id('cmd-1'), ctx.id('cmd-2')],
      'commands recorded in the stream',
    );
    equal((await handler.load(s)).state, 7, 'state after the commands');
  }),

  c('command handler: concurrent commands on one stream converge through retries', async (ctx) => {
    const s = ctx.stream('counter');
    const handler = handlerFor(ctx);
    const amounts = Array.from({ length: 10 }, (_, i) => i + 1);
    // One handler per command, like writers in separate processes: one handler's own commands
    // queue per stream and would never meet the store's conflict check.
    const results = await Promise.all(
      amounts.map((amount) =>
        handlerFor(ctx, { maxRetries: 30 }).handle({ type: 'Add', counter: s, amount }, context(ctx, `cmd-${amount}`)),
      ),
    );
    for (const result of results) {
      if (E.isLeft(result)) return fail(`a concurrent command failed: ${show(result.left)}`);
      equal(result.right.duplicate, false, 'a concurrent command is not a duplicate');
    }
    const events = await ctx.store.readStream(s);
    equal(events.length, amounts.length, 'events of the concurrent commands');
    equal(new Set(events.map((e) => e.metadata.commandId)).size, amounts.length, 'one event per command');
    const loaded = await handler.load(s);
    equal(loaded.state, 55, 'state after the concurrent commands');
    equal(loaded.version, 9n, 'version after the concurrent commands');
    check(
      events.every((e) => e.metadata.eventId === `${e.metadata.commandId}:0`),
      "the handler's deterministic event ids are stored",
    );
  }),
];
