import { createInMemoryInbox } from '@ordo/adapter-memory';
import { type BatchInbox, decodeWith, defineMessages, type Inbox } from '@ordo/kernel';
import * as t from 'io-ts';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import type { BatchHandler } from './chunk-processor';
import type { ConsumerEvent } from './consumer-events';
import type { ProcessorDeps } from './message-processor';
import { createPartitionBatchHandler, type PartitionBatch, type PartitionStats } from './partition-batch';

const Events = defineMessages({ Deposited: { account: t.string, n: t.number } });
type Event = t.TypeOf<typeof Events.codec>;

/**
 * The in-memory inbox made transactional for these specs: an effect writes to its `tx` (a list),
 * and the writes reach `applied` only when the effect resolved, together with the records.
 */
const transactionalInbox = (batch = true) => {
  const inner = createInMemoryInbox();
  const applied: string[] = [];
  const single: Inbox<string[]> = {
    has: (consumer, id) => inner.has(consumer, id),
    handleOnce: (consumer, id, effect) =>
      inner.handleOnce(consumer, id, async () => {
        const tx: string[] = [];
        const result = await effect(tx);
        applied.push(...tx);
        return result;
      }),
  };
  const batched: BatchInbox<string[]> = {
    ...single,
    handleBatch: (consumer, ids, effect) =>
      inner.handleBatch(consumer, ids, async (_none, fresh) => {
        const tx: string[] = [];
        const result = await effect(tx, fresh);
        applied.push(...tx);
        return result;
      }),
  };
  return { inbox: batch ? batched : single, applied, handled: () => inner.handled('billing') };
};

type FakeMessage = PartitionBatch['batch']['messages'][number];

const message = (offset: number, value: unknown, id: string | undefined = `e-${offset}`): FakeMessage => ({
  offset: String(offset),
  key: Buffer.from('account-1'),
  value: Buffer.from(typeof value === 'string' ? value : JSON.stringify(value)),
  headers: id === undefined ? {} : { 'ordo-event-id': Buffer.from(id) },
});
const deposit = (n: number, id?: string) => message(n, { type: 'Deposited', account: 'account-1', n }, id);

/** A fake of kafkajs' eachBatch payload for one partition: records resolved and committed offsets. */
const fakeBatch = (messages: ReadonlyArray<FakeMessage>, onCommit: (offset: string) => void = () => undefined) => {
  const resolved: string[] = [];
  const commits: string[] = [];
  const payload: PartitionBatch = {
    batch: { topic: 'account', partition: 0, messages },
    resolveOffset: (offset) => resolved.push(offset),
    heartbeat: async () => undefined,
    commitOffsetsIfNecessary: async (offsets) => {
      const offset = offsets?.topics[0]?.partitions[0]?.offset ?? '';
      onCommit(offset);
      commits.push(offset);
    },
    isRunning: () => true,
    isStale: () => false,
  };
  return { payload, resolved, commits };
};

interface Setup {
  readonly handle?: ProcessorDeps<Event, string[]>['handle'];
  readonly handleBatch?: BatchHandler<Event, string[]>;
  readonly batchSize?: number;
  readonly maxAttempts?: number;
  readonly batchInbox?: boolean;
  readonly signal?: AbortSignal;
  readonly retryMs?: number;
  readonly onEvent?: (event: ConsumerEvent) => void;
}

const setup = (options: Setup) => {
  const { inbox, applied, handled } = transactionalInbox(options.batchInbox ?? true);
  const events: ConsumerEvent[] = [];
  const deadLetters: string[] = [];
  const stats: PartitionStats = { handled: 0, duplicates: 0, deadLettered: 0, commits: 0, chunks: 0 };
  const handleBatch = options.handleBatch;
  const deps: ProcessorDeps<Event, string[]> = {
    decode: decodeWith(Events.codec, 'Kafka message'),
    inbox,
    inboxConsumer: 'billing',
    group: 'billing-group',
    handle:
      options.handle ??
      ((event, { tx, message: m, topic, partition, offset }) =>
        handleBatch!([{ event, message: m, offset }], { tx, topic, partition })),
    maxAttempts: options.maxAttempts ?? 3,
    retryBackoff: { initialMs: options.retryMs ?? 1, maxMs: options.retryMs ?? 2 },
    infrastructureBackoff: { initialMs: 1, maxMs: 2 },
    now: () => new Date('2024-01-01T00:00:00.000Z'),
    onEvent: (event) => {
      events.push(event);
      options.onEvent?.(event);
    },
    deadLetter: async (raw) => {
      deadLetters.push(raw.offset);
      return 'account.dlq';
    },
  };
  const batchDeps =
    'handleBatch' in inbox && inbox.handleBatch !== undefined ? (inbox as BatchInbox<string[]>) : undefined;
  const eachBatch = createPartitionBatchHandler<Event, string[]>({
    deps,
    chunks:
      batchDeps === undefined
        ? undefined
        : { ...deps, inbox: batchDeps, ...(handleBatch === undefined ? {} : { handleBatch }) },
    batchSize: options.batchSize ?? 3,
    commitEvery: 200,
    signal: options.signal ?? new AbortController().signal,
    stats,
    onEvent: deps.onEvent,
  });
  return { eachBatch, applied, handled, events, deadLetters, stats };
};

const applying: ProcessorDeps<Event, string[]>['handle'] = async (event, { tx }) => {
  tx.push(`n${event.n}`);
};

test('a fetched batch is applied in chunks of batchSize, one inbox transaction each, in order', async () => {
  const calls: number[] = [];
  const s = setup({
    batchSize: 3,
    handle: async (event, context) => {
      calls.push(event.n);
      assert.is(context.message.attempt, 1);
      await applying(event, context);
    },
  });
  const fetched = Array.from({ length: 7 }, (_, n) => deposit(n));
  // Every commit covers only messages whose chunk transaction had committed.
  const batch = fakeBatch(fetched, (offset) =>
    assert.ok(s.handled().length >= Number(offset), `commit of ${offset} after its effects`),
  );
  await s.eachBatch(batch.payload);
  assert.equal(calls, [0, 1, 2, 3, 4, 5, 6]);
  assert.equal(s.applied, ['n0', 'n1', 'n2', 'n3', 'n4', 'n5', 'n6']);
  assert.is(s.stats.chunks, 3, 'chunks of 3, 3 and 1');
  assert.equal(batch.resolved, ['0', '1', '2', '3', '4', '5', '6']);
  assert.equal(batch.commits, ['7'], 'one commit at the end of the batch: the offset after the last');
  assert.equal({ ...s.stats }, { handled: 7, duplicates: 0, deadLettered: 0, commits: 1, chunks: 3 });
});

test('a redelivered batch (a crash before the offset commit) is absorbed: no handler call, no effect', async () => {
  let calls = 0;
  const s = setup({
    handle: async (event, context) => {
      calls += 1;
      await applying(event, context);
    },
  });
  const fetched = Array.from({ length: 5 }, (_, n) => deposit(n));
  await s.eachBatch(fakeBatch(fetched).payload);
  const again = fakeBatch(fetched);
  await s.eachBatch(again.payload);
  assert.is(calls, 5);
  assert.equal(s.applied, ['n0', 'n1', 'n2', 'n3', 'n4']);
  assert.is(s.stats.duplicates, 5);
  assert.equal(again.commits, ['5'], 'the duplicates are committed past');
});

test('a failing message: the chunk rolls back, the ones before it commit once, it is retried alone, the rest go on', async () => {
  const tries: Array<readonly [number, number]> = [];
  const s = setup({
    batchSize: 5,
    maxAttempts: 3,
    handle: async (event, context) => {
      tries.push([event.n, context.message.attempt ?? 0]);
      context.tx.push(`n${event.n}`);
      if (event.n === 2 && (context.message.attempt ?? 0) < 3)
        throw new Error(`deposit 2 fails on try ${context.message.attempt}`);
    },
  });
  const batch = fakeBatch(Array.from({ length: 7 }, (_, n) => deposit(n)));
  await s.eachBatch(batch.payload);
  assert.equal(s.applied, ['n0', 'n1', 'n2', 'n3', 'n4', 'n5', 'n6'], 'each effect once, in order');
  assert.equal(tries, [
    [0, 1],
    [1, 1],
    [2, 1], // the chunk 0-4 rolls back here
    [0, 1],
    [1, 1], // 0-1 again, in a chunk of their own
    [2, 2],
    [2, 3], // 2 alone, its chunk try counted as attempt 1
    [3, 1],
    [4, 1],
    [5, 1],
    [6, 1], // the rest: chunks 3-4 and 5-6 ... as they come
  ]);
  const retries = s.events.filter((e) => e.type === 'retrying');
  assert.equal(
    retries.map((e) => (e.type === 'retrying' ? [e.offset, e.attempt] : [])),
    [
      ['2', 1],
      ['2', 2],
    ],
  );
  assert.equal(batch.resolved, ['0', '1', '2', '3', '4', '5', '6']);
  assert.is(s.stats.handled, 7);
  assert.is(s.deadLetters.length, 0);
});

test('a message failing every try is dead-lettered after maxAttempts; its neighbours are applied once', async () => {
  let poisonTries = 0;
  const s = setup({
    batchSize: 4,
    maxAttempts: 3,
    handle: async (event, context) => {
      context.tx.push(`n${event.n}`);
      if (event.n === 5) {
        poisonTries += 1;
        throw new Error('deposit 5 never applies');
      }
    },
  });
  const batch = fakeBatch(Array.from({ length: 9 }, (_, n) => deposit(n)));
  await s.eachBatch(batch.payload);
  assert.equal(s.applied, ['n0', 'n1', 'n2', 'n3', 'n4', 'n6', 'n7', 'n8']);
  assert.is(poisonTries, 3, 'one try in the chunk, two alone');
  assert.equal(s.deadLetters, ['5']);
  assert.equal({ ...s.stats, commits: 0 }, { handled: 8, duplicates: 0, deadLettered: 1, commits: 0, chunks: 4 });
  assert.equal(batch.resolved, ['0', '1', '2', '3', '4', '5', '6', '7', '8']);
  assert.equal(batch.commits, ['9']);
});

test('an undecodable message ends the chunk before it and is dead-lettered in its place', async () => {
  const s = setup({ batchSize: 10, handle: applying });
  const batch = fakeBatch([
    deposit(0),
    deposit(1),
    message(2, '{not json'),
    deposit(3),
    message(4, { n: 4 }, undefined),
  ]);
  await s.eachBatch(batch.payload);
  assert.equal(s.applied, ['n0', 'n1', 'n3']);
  assert.equal(s.deadLetters, ['2', '4']);
  assert.is(s.stats.chunks, 2);
  assert.equal(batch.resolved, ['0', '1', '2', '3', '4']);
});

test('a copy of a message in the same fetch starts a new chunk and is reported as a duplicate', async () => {
  const s = setup({ batchSize: 10, handle: applying });
  const batch = fakeBatch([deposit(0), deposit(1), deposit(2, 'e-0'), deposit(3)]);
  await s.eachBatch(batch.payload);
  assert.equal(s.applied, ['n0', 'n1', 'n3']);
  assert.equal({ ...s.stats, commits: 0 }, { handled: 3, duplicates: 1, deadLettered: 0, commits: 0, chunks: 2 });
});

test('handleBatch gets the fresh messages of each chunk; a failure it cannot pin is taken one message at a time', async () => {
  const calls: number[][] = [];
  const s = setup({
    batchSize: 4,
    maxAttempts: 2,
    handleBatch: async (messages, { tx, topic, partition }) => {
      assert.is(topic, 'account');
      assert.is(partition, 0);
      calls.push(messages.map((m) => m.event.n));
      for (const m of messages) {
        assert.is(m.offset, String(m.event.n));
        tx.push(`n${m.event.n}`);
      }
      if (messages.some((m) => m.event.n === 6)) throw new Error('deposit 6 never applies');
    },
  });
  const batch = fakeBatch(Array.from({ length: 8 }, (_, n) => deposit(n)));
  await s.eachBatch(batch.payload);
  assert.equal(s.applied, ['n0', 'n1', 'n2', 'n3', 'n4', 'n5', 'n7']);
  assert.equal(calls, [[0, 1, 2, 3], [4, 5, 6, 7], [4], [5], [6], [6], [7]]);
  assert.equal(s.deadLetters, ['6']);
  const failed = s.events.filter((e) => e.type === 'batch-failed');
  assert.equal(
    failed.map((e) => (e.type === 'batch-failed' ? [e.offset, e.messages] : [])),
    [['4', 4]],
  );
});

test('the in-memory inbox (effects do not roll back): handlers before a failing one run once and are only recorded', async () => {
  const inbox = createInMemoryInbox();
  const calls: Array<readonly [number, number]> = [];
  const deps: ProcessorDeps<Event, void> = {
    decode: decodeWith(Events.codec, 'Kafka message'),
    inbox,
    inboxConsumer: 'billing',
    group: 'billing-group',
    handle: async (event, { message: m }) => {
      calls.push([event.n, m.attempt ?? 0]);
      if (event.n === 3) throw new Error('deposit 3 never applies');
    },
    maxAttempts: 2,
    retryBackoff: { initialMs: 1 },
    infrastructureBackoff: { initialMs: 1 },
    now: () => new Date('2024-01-01T00:00:00.000Z'),
    onEvent: () => undefined,
    deadLetter: async () => 'account.dlq',
  };
  const stats: PartitionStats = { handled: 0, duplicates: 0, deadLettered: 0, commits: 0, chunks: 0 };
  const eachBatch = createPartitionBatchHandler<Event, void>({
    deps,
    chunks: { ...deps, inbox },
    batchSize: 10,
    commitEvery: 200,
    signal: new AbortController().signal,
    stats,
    onEvent: () => undefined,
  });
  const batch = fakeBatch(Array.from({ length: 6 }, (_, n) => deposit(n)));
  await eachBatch(batch.payload);
  assert.equal(calls, [
    [0, 1],
    [1, 1],
    [2, 1],
    [3, 1], // the chunk fails here; 0-2 are recorded, not run again
    [3, 2], // alone, then dead-lettered
    [4, 1],
    [5, 1],
  ]);
  assert.equal(inbox.handled('billing'), ['e-0', 'e-1', 'e-2', 'e-4', 'e-5']);
  assert.equal({ ...stats, commits: 0 }, { handled: 5, duplicates: 0, deadLettered: 1, commits: 0, chunks: 2 });
  assert.equal(batch.resolved, ['0', '1', '2', '3', '4', '5']);
});

test('an inbox without handleBatch: every message in its own handleOnce transaction, as before', async () => {
  const s = setup({ batchInbox: false, handle: applying });
  const batch = fakeBatch(Array.from({ length: 4 }, (_, n) => deposit(n)));
  await s.eachBatch(batch.payload);
  assert.equal(s.applied, ['n0', 'n1', 'n2', 'n3']);
  assert.equal({ ...s.stats, commits: 0 }, { handled: 4, duplicates: 0, deadLettered: 0, commits: 0, chunks: 0 });
  assert.equal(batch.commits, ['4']);
});

test('stopping during a retry wait ends the batch: the messages before the failing one are applied and committed, the rest not', async () => {
  const controller = new AbortController();
  const s = setup({
    batchSize: 10,
    maxAttempts: 5,
    retryMs: 60_000,
    signal: controller.signal,
    // The consumer stops while the failing message waits for its second try.
    onEvent: (event) => {
      if (event.type === 'retrying') controller.abort();
    },
    handle: async (event, context) => {
      context.tx.push(`n${event.n}`);
      if (event.n === 2) throw new Error('fails, then the consumer stops');
    },
  });
  const batch = fakeBatch(Array.from({ length: 5 }, (_, n) => deposit(n)));
  const started = Date.now();
  await s.eachBatch(batch.payload);
  assert.ok(Date.now() - started < 5_000);
  assert.equal(s.applied, ['n0', 'n1']);
  assert.equal(batch.resolved, ['0', '1']);
  assert.equal(batch.commits, ['2'], 'committed up to the failing message, which comes again');
});

test.run();
