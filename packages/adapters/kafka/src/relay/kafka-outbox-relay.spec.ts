import { createInMemoryOutbox } from '@ordo/adapter-memory';
import { InvalidInputError, type OutboxMessage, type OutgoingMessage, type Publisher } from '@ordo/kernel';
import fc from 'fast-check';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { rejects, waitUntil } from '../test-support/kafka-test-env';
import { createKafkaOutboxRelay } from './kafka-outbox-relay';

const message = (streamId: string, version: number, position: number): OutboxMessage => ({
  id: `${streamId}:${version}`,
  topic: 'account',
  key: streamId,
  type: 'Happened',
  payload: { type: 'Happened', version },
  headers: { 'ordo-stream-id': streamId },
  streamId,
  streamVersion: BigInt(version),
  globalPosition: BigInt(position),
});

/** Messages of `streams` streams, `perStream` each, interleaved in global order. */
const fill = (streams: number, perStream: number): OutboxMessage[] => {
  const out: OutboxMessage[] = [];
  for (let v = 0; v < perStream; v++) for (let s = 0; s < streams; s++) out.push(message(`s${s}`, v, out.length));
  return out;
};

/** Per stream, the versions in the order they were first published. */
const firstPublications = (log: ReadonlyArray<OutgoingMessage>): Map<string, number[]> => {
  const seen = new Set<string>();
  const byStream = new Map<string, number[]>();
  for (const m of log) {
    if (seen.has(m.id)) continue;
    seen.add(m.id);
    const [stream, version] = m.id.split(':') as [string, string];
    byStream.set(stream, [...(byStream.get(stream) ?? []), Number(version)]);
  }
  return byStream;
};

const recordingPublisher = (options: { failEvery?: number; delayMs?: () => number } = {}) => {
  const log: OutgoingMessage[] = [];
  let calls = 0;
  const publisher: Publisher = {
    async publish(messages) {
      calls += 1;
      const wait = options.delayMs?.() ?? 0;
      if (wait > 0) await new Promise((r) => setTimeout(r, wait));
      // A failure after a partial send: the first half got out, as with a partition that acked.
      if (options.failEvery !== undefined && calls % options.failEvery === 0) {
        log.push(...messages.slice(0, Math.floor(messages.length / 2)));
        throw new Error(`publish ${calls} failed`);
      }
      log.push(...messages);
    },
  };
  return { publisher, log };
};

test('runOnce publishes a claimed batch and marks it; the plain loop drains the outbox', async () => {
  const outbox = createInMemoryOutbox();
  outbox.add(fill(5, 10));
  const { publisher, log } = recordingPublisher();
  const relay = createKafkaOutboxRelay({ outbox, publisher, owner: 'r1', batchSize: 7, pollMs: 5, pipeline: false });
  assert.is(await relay.runOnce(), 7);
  assert.is(await outbox.pending(), 43);
  relay.start();
  await waitUntil(async () => (await outbox.pending()) === 0, 'an empty outbox', 5_000);
  await relay.stop();
  assert.is(relay.published(), 50);
  assert.equal(
    log.map((m) => m.id),
    fill(5, 10).map((m) => m.id),
    'one relay publishes in global order',
  );
});

test('pipelined: the next batch is claimed ahead during a publish, the streams in flight included, in order', async () => {
  // Few streams: every batch holds all of them, so pipelining only works if a claim ahead may
  // continue the streams of the batch in flight (which the relay publishes first).
  const outbox = createInMemoryOutbox();
  outbox.add(fill(4, 50));
  const batches: string[][] = [];
  let inFlight: ReadonlyArray<OutgoingMessage> = [];
  let publishing = 0;
  let overlapped = 0;
  let continued = 0;
  const claim = outbox.claim.bind(outbox);
  const publisher: Publisher = {
    async publish(messages) {
      publishing += 1;
      assert.is(publishing, 1, 'one publish at a time');
      inFlight = messages;
      await new Promise((r) => setTimeout(r, 5));
      batches.push(messages.map((m) => m.id));
      inFlight = [];
      publishing -= 1;
    },
  };
  const spied = {
    ...outbox,
    claim: async (options: Parameters<typeof claim>[0]) => {
      const claimed = await claim(options);
      const held = new Set(inFlight.map((m) => m.key));
      if (held.size > 0) {
        overlapped += 1;
        assert.ok(options.ahead, 'a claim during a publish claims ahead');
        if (claimed.some((m) => held.has(m.key))) continued += 1;
      }
      return claimed;
    },
  };
  const relay = createKafkaOutboxRelay({ outbox: spied, publisher, owner: 'p', batchSize: 10, pollMs: 5 });
  relay.start();
  await waitUntil(async () => (await outbox.pending()) === 0, 'an empty outbox', 5_000);
  await relay.stop();
  assert.ok(overlapped > 5, `claims overlapped publishes (${overlapped})`);
  assert.ok(continued > 5, `claims ahead continued the streams in flight (${continued})`);
  const log = batches.flat().map((id) => ({ id }) as OutgoingMessage);
  assert.is(log.length, 200, 'one relay, no failures: no duplicates');
  for (const versions of firstPublications(log).values())
    assert.equal(
      versions,
      Array.from({ length: 50 }, (_, i) => i),
    );
  assert.is(relay.published(), 200);
  assert.equal(
    outbox.entries().filter((e) => !e.published),
    [],
  );
});

test('pipelined: a failed mark is republished after the batches claimed ahead, never lost', async () => {
  const outbox = createInMemoryOutbox();
  outbox.add(fill(3, 20));
  let marks = 0;
  const flaky = {
    ...outbox,
    claim: outbox.claim.bind(outbox),
    markPublished: async (owner: string, ids: ReadonlyArray<string>) => {
      marks += 1;
      if (marks === 2) throw new Error('database unreachable for a moment');
      await outbox.markPublished(owner, ids);
    },
  };
  const { publisher, log } = recordingPublisher({ delayMs: () => 1 });
  const errors: unknown[] = [];
  const relay = createKafkaOutboxRelay({
    outbox: flaky,
    publisher,
    owner: 'm',
    batchSize: 5,
    pollMs: 5,
    onError: (error) => errors.push(error),
  });
  relay.start();
  await waitUntil(async () => (await outbox.pending()) === 0, 'an empty outbox', 5_000);
  await relay.stop();
  assert.is(errors.length, 1);
  assert.ok(log.length > 60, 'the unmarked batch was published again');
  for (const versions of firstPublications(log).values())
    assert.equal(
      versions,
      Array.from({ length: 20 }, (_, i) => i),
    );
});

test('pipelined on a few hot streams with slow marks: the relay never waits for the poll', async () => {
  // An empty claim ahead, or a claim waiting for a mark, must not count as "idle": with a
  // one-minute poll the outbox would stall.
  const outbox = createInMemoryOutbox();
  outbox.add(fill(2, 30));
  const slowMarks = {
    ...outbox,
    claim: outbox.claim.bind(outbox),
    markPublished: async (owner: string, ids: ReadonlyArray<string>) => {
      await new Promise((r) => setTimeout(r, 15));
      await outbox.markPublished(owner, ids);
    },
  };
  const { publisher, log } = recordingPublisher({ delayMs: () => 2 });
  const relay = createKafkaOutboxRelay({ outbox: slowMarks, publisher, owner: 'hot', batchSize: 10, pollMs: 60_000 });
  relay.start();
  await waitUntil(async () => (await outbox.pending()) === 0, 'an empty outbox', 5_000, 5);
  await relay.stop();
  for (const versions of firstPublications(log).values())
    assert.equal(
      versions,
      Array.from({ length: 30 }, (_, i) => i),
    );
  assert.is(relay.published(), 60);
});

test('stop gives back a batch claimed ahead, so another relay can take it at once', async () => {
  const outbox = createInMemoryOutbox();
  outbox.add(fill(50, 4));
  const { publisher } = recordingPublisher({ delayMs: () => 20 });
  const relay = createKafkaOutboxRelay({ outbox, publisher, owner: 'first', batchSize: 10, leaseMs: 600_000 });
  relay.start();
  await waitUntil(() => relay.published() >= 20, 'a few batches', 5_000, 2);
  await relay.stop();
  const held = outbox.entries().filter((e) => !e.published && e.owner !== undefined && e.leaseUntil! > Date.now());
  assert.equal(held, [], 'nothing left claimed');
  const { publisher: second, log } = recordingPublisher();
  const next = createKafkaOutboxRelay({ outbox, publisher: second, owner: 'second', batchSize: 50, pollMs: 5 });
  next.start();
  await waitUntil(async () => (await outbox.pending()) === 0, 'the rest', 5_000);
  await next.stop();
  assert.ok(log.length > 0);
});

test('failed publishes are given back and retried with backoff; nothing is lost, order holds', async () => {
  const outbox = createInMemoryOutbox();
  outbox.add(fill(4, 15));
  const { publisher, log } = recordingPublisher({ failEvery: 3 });
  const errors: number[] = [];
  const relay = createKafkaOutboxRelay({
    outbox,
    publisher,
    batchSize: 8,
    pollMs: 5,
    errorBackoff: { initialMs: 1, maxMs: 5 },
    onError: (_error, failures) => errors.push(failures),
  });
  relay.start();
  await waitUntil(async () => (await outbox.pending()) === 0, 'an empty outbox', 5_000);
  await relay.stop();
  assert.ok(errors.length > 0);
  assert.ok(log.length > 60, 'partial sends were repeated (at-least-once)');
  for (const [stream, versions] of firstPublications(log))
    assert.equal(
      versions,
      Array.from({ length: 15 }, (_, i) => i),
      stream,
    );
});

test('several relays on one outbox: everything published, each stream first published in order', async () => {
  // Invariant: whatever the relay count, batch sizes, timing and failures, every message is
  // published at least once and each stream's first publications come in version order.
  await fc.assert(
    fc.asyncProperty(
      fc.integer({ min: 2, max: 4 }),
      fc.integer({ min: 1, max: 12 }),
      fc.integer({ min: 1, max: 6 }),
      fc.integer({ min: 0, max: 20_000 }),
      fc.boolean(),
      async (relays, batchSize, streams, seed, pipeline) => {
        let state = seed;
        const random = () => {
          state = (state * 1_103_515_245 + 12_345) % 2_147_483_648;
          return state / 2_147_483_648;
        };
        const outbox = createInMemoryOutbox();
        const messages = fill(streams, 8);
        outbox.add(messages);
        const { publisher, log } = recordingPublisher({ failEvery: 4, delayMs: () => Math.floor(random() * 3) });
        const running = Array.from({ length: relays }, (_, i) =>
          createKafkaOutboxRelay({
            outbox,
            publisher,
            owner: `relay-${i}`,
            batchSize,
            pipeline,
            pollMs: 1,
            errorBackoff: { initialMs: 1, maxMs: 2 },
          }),
        );
        running.forEach((r) => r.start());
        await waitUntil(async () => (await outbox.pending()) === 0, 'an empty outbox', 10_000, 2);
        await Promise.all(running.map((r) => r.stop()));
        assert.equal(new Set(log.map((m) => m.id)).size, messages.length);
        for (const versions of firstPublications(log).values())
          assert.equal(
            versions,
            Array.from({ length: 8 }, (_, i) => i),
          );
      },
    ),
    { numRuns: 25 },
  );
});

test('notify wakes an idle relay at once; stop is final', async () => {
  const outbox = createInMemoryOutbox();
  const { publisher, log } = recordingPublisher();
  const relay = createKafkaOutboxRelay({ outbox, publisher, pollMs: 60_000 });
  relay.start();
  await new Promise((r) => setTimeout(r, 20));
  outbox.add(fill(1, 3));
  const started = Date.now();
  relay.notify();
  await waitUntil(() => log.length === 3, 'the notified pass', 5_000, 5);
  assert.ok(Date.now() - started < 2_000);
  await relay.stop();
  assert.throws(() => relay.start(), /stopped/);
});

test('bad options are refused with an invalid_options error naming the option', async () => {
  const outbox = createInMemoryOutbox();
  const { publisher } = recordingPublisher();
  const cases: ReadonlyArray<readonly [Record<string, unknown>, string, unknown]> = [
    [{ batchSize: 0 }, 'batchSize', 0],
    [{ batchSize: 1.5 }, 'batchSize', 1.5],
    [{ leaseMs: -1 }, 'leaseMs', -1],
    [{ owner: '' }, 'owner', ''],
  ];
  for (const [bad, path, actual] of cases) {
    const error = await rejects(async () => createKafkaOutboxRelay({ outbox, publisher, ...bad }));
    assert.instance(error, InvalidInputError);
    const e = error as InvalidInputError;
    assert.is(e.code, 'invalid_options', `${path}: code`);
    assert.is(e.issues.length, 1, `${path}: one issue`);
    assert.is(e.issues[0]?.path, path);
    assert.is(e.issues[0]?.actual, actual);
    assert.match(e.message, path);
  }
});

test.run();
