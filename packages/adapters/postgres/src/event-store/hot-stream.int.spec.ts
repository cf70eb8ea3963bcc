/**
 * A hot stream through the kernel's command handler on the real PostgreSQL store: many
 * concurrent commands on ONE stream in one process. The handler queues a stream's commands
 * behind each other, so none of them conflicts: every command succeeds on its first append, and
 * the store never throws WrongExpectedVersionError. With `queue: false` the same load does
 * conflict (so these tests can fail), and two handlers sharing one `createStreamQueue()` are
 * as conflict-free as one. Across processes see `bench/src/hot-stream/` and docs/hot-streams.md.
 */
import {
  accept,
  type CommandHandlerConfig,
  type CommandResult,
  createCommandHandler,
  createStreamQueue,
  type Decider,
  type EventStore,
  isWrongExpectedVersionError,
} from '@ordo/kernel';
import { performance } from 'node:perf_hooks';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { openTestDatabase } from '../test-support';
import { createPostgresEventStore, type PostgresEventStore } from './postgres-event-store';

const db = await openTestDatabase('pg_hot_stream', 20);

interface Bump {
  readonly type: 'Bump';
  readonly streamId: string;
  /** The command's index in submission order. */
  readonly n: number;
}
interface Bumped {
  readonly type: 'Bumped';
  readonly n: number;
  /** Events in the stream when the command was decided: equals the event's version when nothing raced. */
  readonly seen: number;
}
interface Counter {
  readonly count: number;
}

const counter: Decider<Bump, Bumped, Counter> = {
  initialState: { count: 0 },
  decide: (command, state) => accept({ type: 'Bumped', n: command.n, seen: state.count }),
  evolve: (state) => ({ count: state.count + 1 }),
};

/** The store, counting append attempts and the WrongExpectedVersionErrors it throws. */
const counting = (store: EventStore<Bumped>) => {
  const stats = { appends: 0, conflicts: 0 };
  const wrapped: EventStore<Bumped> = {
    appendToStream: async (streamId, events, options) => {
      stats.appends += 1;
      try {
        return await store.appendToStream(streamId, events, options);
      } catch (error) {
        if (isWrongExpectedVersionError(error)) stats.conflicts += 1;
        throw error;
      }
    },
    readStream: (streamId, options) => store.readStream(streamId, options),
    readAll: (options) => store.readAll(options),
    subscribeToAll: (options) => store.subscribeToAll(options),
  };
  return { store: wrapped, stats };
};

const stores: PostgresEventStore[] = [];
let schemas = 0;
/** A store on a fresh schema. */
const freshStore = async (): Promise<EventStore<Bumped>> => {
  const store = await createPostgresEventStore({ pool: db.pool, schema: `hot_${schemas++}` });
  stores.push(store);
  return store as unknown as EventStore<Bumped>;
};

type Config = Partial<CommandHandlerConfig<Bump, Bumped, Counter>>;
const handlerOn = (store: EventStore<Bumped>, config: Config = {}) =>
  createCommandHandler<Bump, Bumped, Counter>({ decider: counter, store, streamId: (c) => c.streamId, ...config });

type Handler = ReturnType<typeof handlerOn>;

/** Fires `n` commands at `streamId` at once (command i through `handlers[i % handlers.length]`). */
const fire = async (handlers: ReadonlyArray<Handler>, streamId: string, n: number) => {
  const t0 = performance.now();
  const results = await Promise.all(
    Array.from({ length: n }, (_, i) =>
      handlers[i % handlers.length]!.handle(
        { type: 'Bump', streamId, n: i },
        { commandId: `${streamId}-${i}`, occurredAt: '2026-01-01T00:00:00Z' },
      ),
    ),
  );
  return { results, seconds: (performance.now() - t0) / 1000 };
};

const tally = (results: ReadonlyArray<CommandResult<Bumped, Counter>>) => {
  let ok = 0;
  let gaveUp = 0;
  for (const result of results) {
    if (result._tag === 'Right') ok += 1;
    else if (result.left._tag === 'ConcurrencyConflict') gaveUp += 1;
    else assert.unreachable(`unexpected failure ${result.left._tag}: ${result.left.message}`);
  }
  return { ok, gaveUp };
};

/** Every command succeeded at once; the stream holds one event per command, in submission order. */
const assertConflictFree = async (
  store: EventStore<Bumped>,
  streamId: string,
  n: number,
  run: Awaited<ReturnType<typeof fire>>,
  stats: { appends: number; conflicts: number },
) => {
  assert.is(stats.conflicts, 0, 'the store threw no WrongExpectedVersionError');
  assert.is(stats.appends, n, 'one append per command: nothing was retried');
  for (const [i, result] of run.results.entries()) {
    if (result._tag === 'Left') {
      assert.unreachable(`command ${i} failed: ${result.left._tag} ${result.left.message}`);
      continue;
    }
    assert.is(result.right.duplicate, false);
    assert.is(result.right.events.length, 1);
    assert.is(result.right.version, BigInt(i), `command ${i} appended version ${i}`);
  }
  const events = await store.readStream(streamId);
  assert.is(events.length, n, `exactly ${n} events`);
  assert.equal(
    events.map((e) => e.streamVersion),
    Array.from({ length: n }, (_, i) => BigInt(i)),
    'versions 0..n-1',
  );
  assert.equal(
    events.map((e) => e.event.seen),
    events.map((_, i) => i),
    'each command was decided on the state the previous one left',
  );
  assert.equal(
    events.map((e) => e.event.n),
    events.map((_, i) => i),
    'in submission order',
  );
  assert.equal(
    events.map((e) => e.metadata.commandId),
    events.map((_, i) => `${streamId}-${i}`),
  );
};

const note = (text: string) => console.log(`  NOTE ${text}`);

for (const n of [50, 500]) {
  test(`${n} concurrent commands on one stream, one handler, default options: all succeed, zero conflicts`, async () => {
    const { store, stats } = counting(await freshStore());
    const handler = handlerOn(store);
    const streamId = `hot-${n}`;
    const run = await fire([handler], streamId, n);
    await assertConflictFree(store, streamId, n, run, stats);
    note(
      `${n} concurrent commands, one handler: ${Math.round(n / run.seconds)} commands/s, ` +
        `${stats.conflicts} conflicts, ${n - tally(run.results).ok} failed (${run.seconds.toFixed(2)} s)`,
    );
  });
}

test('the queue is what does it: with `queue: false` the same load conflicts', async () => {
  const n = 50;
  const { store, stats } = counting(await freshStore());
  const handler = handlerOn(store, { queue: false });
  const streamId = 'racing';
  const run = await fire([handler], streamId, n);
  const { ok, gaveUp } = tally(run.results);
  assert.ok(stats.conflicts > 0, `the store threw WrongExpectedVersionError (${stats.conflicts})`);
  assert.is(ok + gaveUp, n);
  // Retries keep the stream consistent all the same: one event per successful command.
  const events = await store.readStream(streamId);
  assert.is(events.length, ok);
  assert.equal(
    events.map((e) => e.event.seen),
    events.map((_, i) => i),
  );
  note(
    `${n} concurrent commands, queue: false: ${stats.conflicts} conflicts (${(stats.conflicts / n).toFixed(2)} per command), ` +
      `${gaveUp} ended as ConcurrencyConflict, ${Math.round(n / run.seconds)} commands/s`,
  );
});

test('two handlers sharing one createStreamQueue(): zero conflicts', async () => {
  const n = 100;
  const { store, stats } = counting(await freshStore());
  const queue = createStreamQueue();
  const handlers = [handlerOn(store, { queue }), handlerOn(store, { queue })];
  const streamId = 'shared-queue';
  const run = await fire(handlers, streamId, n);
  await assertConflictFree(store, streamId, n, run, stats);
  assert.is(queue.activeStreams, 0, 'the queue forgets a stream once its last command settled');
  note(`${n} commands through two handlers sharing a queue: ${Math.round(n / run.seconds)} commands/s, 0 conflicts`);
});

test('for contrast: two handlers with a queue each (two writers, as two processes would be) do conflict', async () => {
  const n = 100;
  const { store, stats } = counting(await freshStore());
  const handlers = [handlerOn(store), handlerOn(store)];
  const streamId = 'two-queues';
  const run = await fire(handlers, streamId, n);
  const { ok, gaveUp } = tally(run.results);
  const events = await store.readStream(streamId);
  assert.is(events.length, ok, 'one event per successful command');
  assert.equal(
    events.map((e) => e.event.seen),
    events.map((_, i) => i),
  );
  note(
    `${n} commands through two handlers, own queues: ${stats.conflicts} conflicts ` +
      `(${(stats.conflicts / n).toFixed(2)} per command), ${gaveUp} ended as ConcurrencyConflict`,
  );
});

test.after(async () => {
  for (const store of stores) await store.close();
  await db.close();
});
test.run();
