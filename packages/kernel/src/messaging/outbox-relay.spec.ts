import { createInMemoryOutbox } from '@ordo/adapter-memory';
import fc from 'fast-check';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { InvalidInputError } from '../model/errors';
import type { Outbox } from './outbox';
import { createOutboxRelay } from './outbox-relay';
import type { OutboxMessage, OutgoingMessage } from './outgoing-message';
import type { Publisher } from './publisher';

const delay = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

const waitUntil = async (condition: () => boolean | Promise<boolean>, what: string, timeoutMs = 5_000, everyMs = 5) => {
  const end = Date.now() + timeoutMs;
  while (!(await condition())) {
    if (Date.now() > end) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await delay(everyMs);
  }
};

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
const firstPublications = (log: ReadonlyArray<Pick<OutgoingMessage, 'id'>>): Map<string, number[]> => {
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

const assertInOrder = (log: ReadonlyArray<Pick<OutgoingMessage, 'id'>>, perStream: number) => {
  for (const [stream, versions] of firstPublications(log))
    assert.equal(
      versions,
      Array.from({ length: perStream }, (_, i) => i),
      stream,
    );
};

/** A publisher that records what it was given; optionally slow, optionally failing every n-th call. */
const recordingPublisher = (options: { failEvery?: number; delayMs?: () => number } = {}) => {
  const log: OutgoingMessage[] = [];
  let calls = 0;
  const publisher: Publisher = {
    async publish(messages) {
      calls += 1;
      const wait = options.delayMs?.() ?? 0;
      if (wait > 0) await delay(wait);
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

const noBackoff = { initialMs: 1, maxMs: 2 };

test('runOnce publishes one claimed batch and marks it; drain relays the rest by hand', async () => {
  const outbox = createInMemoryOutbox();
  outbox.add(fill(5, 10));
  const { publisher, log } = recordingPublisher();
  const relay = createOutboxRelay({ outbox, publisher, owner: 'r1', batchSize: 7 });
  assert.is(await relay.runOnce(), 7);
  assert.is(await outbox.pending(), 43);
  assert.is(await relay.drain(), 43);
  assert.is(await relay.drain(), 0, 'nothing left');
  assert.is(relay.published(), 50);
  assert.equal(
    log.map((m) => m.id),
    fill(5, 10).map((m) => m.id),
    'one relay publishes in global order',
  );
});

test('the plain loop (pipeline: false) drains the outbox in global order', async () => {
  const outbox = createInMemoryOutbox();
  outbox.add(fill(5, 10));
  const { publisher, log } = recordingPublisher();
  const relay = createOutboxRelay({ outbox, publisher, owner: 'r1', batchSize: 7, pollMs: 5, pipeline: false });
  relay.start();
  await waitUntil(async () => (await outbox.pending()) === 0, 'an empty outbox');
  await relay.stop();
  assert.is(relay.published(), 50);
  assert.equal(
    log.map((m) => m.id),
    fill(5, 10).map((m) => m.id),
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
  const publisher: Publisher = {
    async publish(messages) {
      publishing += 1;
      assert.is(publishing, 1, 'one publish at a time');
      inFlight = messages;
      await delay(5);
      batches.push(messages.map((m) => m.id));
      inFlight = [];
      publishing -= 1;
    },
  };
  const spied: Outbox = {
    ...outbox,
    claim: async (options) => {
      const claimed = await outbox.claim(options);
      const held = new Set(inFlight.map((m) => m.key));
      if (held.size > 0) {
        overlapped += 1;
        assert.ok(options.ahead, 'a claim during a publish claims ahead');
        if (claimed.some((m) => held.has(m.key))) continued += 1;
      }
      return claimed;
    },
  };
  const relay = createOutboxRelay({ outbox: spied, publisher, owner: 'p', batchSize: 10, pollMs: 5 });
  relay.start();
  await waitUntil(async () => (await outbox.pending()) === 0, 'an empty outbox');
  await relay.stop();
  assert.ok(overlapped > 5, `claims overlapped publishes (${overlapped})`);
  assert.ok(continued > 5, `claims ahead continued the streams in flight (${continued})`);
  assert.ok(
    batches.every((b) => b.length <= 10),
    'one publish per batchSize',
  );
  const log = batches.flat().map((id) => ({ id }));
  assert.is(log.length, 200, 'one relay, no failures: no duplicates');
  assertInOrder(log, 50);
  assert.is(relay.published(), 200);
  assert.equal(
    outbox.entries().filter((e) => !e.published),
    [],
  );
});

test('pipeline depth: a number keeps that many claims made ahead, one after the other', async () => {
  for (const depth of [1, 3]) {
    const outbox = createInMemoryOutbox();
    outbox.add(fill(20, 10));
    let publishes = 0;
    let publishing = false;
    let aheadDuringFirstPublish = 0;
    let aheadInFlight = 0;
    let maxAheadInFlight = 0;
    const spied: Outbox = {
      ...outbox,
      claim: async (options) => {
        if (options.ahead !== true) return outbox.claim(options);
        if (publishing && publishes === 1) aheadDuringFirstPublish += 1;
        aheadInFlight += 1;
        maxAheadInFlight = Math.max(maxAheadInFlight, aheadInFlight);
        try {
          await delay(0);
          return await outbox.claim(options);
        } finally {
          aheadInFlight -= 1;
        }
      },
    };
    const { publisher: recording, log } = recordingPublisher({ delayMs: () => 5 });
    const publisher: Publisher = {
      publish: async (messages) => {
        publishes += 1;
        publishing = true;
        // The first publish lasts until the relay has claimed ahead as deep as it will (or 1 s):
        // a fixed publish time raced the chained claims on a loaded machine.
        if (publishes === 1) {
          const until = Date.now() + 1_000;
          while (aheadDuringFirstPublish < depth && Date.now() < until) await delay(1);
          await delay(5); // room for a claim beyond the depth, which the assertion would catch
        }
        await recording.publish(messages);
        publishing = false;
      },
    };
    const relay = createOutboxRelay({ outbox: spied, publisher, owner: `d${depth}`, batchSize: 5, pipeline: depth });
    relay.start();
    await waitUntil(async () => (await outbox.pending()) === 0, 'an empty outbox');
    await relay.stop();
    assert.is(aheadDuringFirstPublish, depth, `depth ${depth}: claims made ahead during the first publish`);
    assert.is(maxAheadInFlight, 1, 'claims ahead are chained: one in flight at a time');
    assertInOrder(log, 10);
    assert.is(relay.published(), 200);
  }
});

test('pipelined: a failed publish is given back and published again without a gap', async () => {
  const outbox = createInMemoryOutbox();
  outbox.add(fill(4, 15));
  const { publisher, log } = recordingPublisher({ failEvery: 3 });
  const errors: number[] = [];
  const relay = createOutboxRelay({
    outbox,
    publisher,
    owner: 'f',
    batchSize: 8,
    pollMs: 5,
    backoff: noBackoff,
    onError: (_error, failures) => errors.push(failures),
  });
  relay.start();
  await waitUntil(async () => (await outbox.pending()) === 0, 'an empty outbox');
  await relay.stop();
  assert.ok(errors.length > 0);
  assert.ok(
    errors.every((n) => n >= 1),
    'failed publishes count consecutive failures',
  );
  assert.ok(log.length > 60, 'partial sends were repeated (at-least-once)');
  assertInOrder(log, 15);
  assert.equal(new Set(log.map((m) => m.id)).size, 60, 'every message published');
  assert.ok(relay.health().failures >= errors.length);
});

test('pipelined: a failed mark is published again after the batches claimed ahead, never lost', async () => {
  const outbox = createInMemoryOutbox();
  outbox.add(fill(3, 20));
  let marks = 0;
  const flaky: Outbox = {
    ...outbox,
    claim: (options) => outbox.claim(options),
    markPublished: async (owner, ids) => {
      marks += 1;
      if (marks === 2) throw new Error('database unreachable for a moment');
      await outbox.markPublished(owner, ids);
    },
  };
  const { publisher, log } = recordingPublisher({ delayMs: () => 1 });
  const errors: Array<readonly [unknown, number]> = [];
  const relay = createOutboxRelay({
    outbox: flaky,
    publisher,
    owner: 'm',
    batchSize: 5,
    pollMs: 5,
    onError: (error, failures) => errors.push([error, failures]),
  });
  relay.start();
  await waitUntil(async () => (await outbox.pending()) === 0, 'an empty outbox');
  await relay.stop();
  assert.is(errors.length, 1);
  assert.is(errors[0]?.[1], 0, 'a failed mark reports 0 failures: it only delays');
  assert.is(relay.health().markFailures, 1);
  assert.ok(log.length > 60, 'the unmarked batch was published again');
  assertInOrder(log, 20);
  assert.is(relay.published(), 60, 'counted once, when marked');
});

test('pipelined on a few hot streams with slow marks: the relay never waits for the poll', async () => {
  // An empty claim ahead, or a claim waiting for a mark, must not count as "idle": with a
  // one-minute poll the outbox would stall.
  const outbox = createInMemoryOutbox();
  outbox.add(fill(2, 30));
  const slowMarks: Outbox = {
    ...outbox,
    claim: (options) => outbox.claim(options),
    markPublished: async (owner, ids) => {
      await delay(15);
      await outbox.markPublished(owner, ids);
    },
  };
  const { publisher, log } = recordingPublisher({ delayMs: () => 2 });
  const relay = createOutboxRelay({ outbox: slowMarks, publisher, owner: 'hot', batchSize: 10, pollMs: 60_000 });
  relay.start();
  await waitUntil(async () => (await outbox.pending()) === 0, 'an empty outbox');
  await relay.stop();
  assertInOrder(log, 30);
  assert.is(relay.published(), 60);
});

test('stop lets the pass in flight finish, waits for its marks and gives back the claims made ahead', async () => {
  const outbox = createInMemoryOutbox();
  outbox.add(fill(50, 4));
  let marking = 0;
  const slowMarks: Outbox = {
    ...outbox,
    claim: (options) => outbox.claim(options),
    markPublished: async (owner, ids) => {
      marking += 1;
      await delay(10);
      await outbox.markPublished(owner, ids);
      marking -= 1;
    },
  };
  const { publisher, log } = recordingPublisher({ delayMs: () => 20 });
  const relay = createOutboxRelay({ outbox: slowMarks, publisher, owner: 'first', batchSize: 10, leaseMs: 600_000 });
  relay.start();
  await waitUntil(() => log.length >= 20, 'a few batches', 5_000, 2);
  await relay.stop();
  assert.not.ok(relay.running);
  assert.is(marking, 0, 'no mark in flight after stop');
  assert.is(relay.published(), log.length, 'everything published was marked');
  assert.is(outbox.published().length, log.length);
  const held = outbox.entries().filter((e) => !e.published && e.owner !== undefined && e.leaseUntil! > Date.now());
  assert.equal(held, [], 'nothing left claimed');
  const { publisher: second, log: rest } = recordingPublisher();
  const next = createOutboxRelay({ outbox, publisher: second, owner: 'second', batchSize: 50, pollMs: 5 });
  next.start();
  await waitUntil(async () => (await outbox.pending()) === 0, 'the rest');
  await next.stop();
  assert.is(log.length + rest.length, 200, 'the second relay took over at once, without duplicates');
  assertInOrder([...log, ...rest], 4);
});

test('several relays on one outbox: everything published, each stream first published in order', async () => {
  // Invariant: whatever the relay count, batch sizes, timing, failures and pipelining, every
  // message is published at least once and each stream's first publications come in version order.
  await fc.assert(
    fc.asyncProperty(
      fc.integer({ min: 2, max: 4 }),
      fc.integer({ min: 1, max: 12 }),
      fc.integer({ min: 1, max: 6 }),
      fc.integer({ min: 0, max: 20_000 }),
      fc.constantFrom<boolean | number>(false, true, 1, 3),
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
          createOutboxRelay({
            outbox,
            publisher,
            owner: `relay-${i}`,
            batchSize,
            pipeline,
            pollMs: 1,
            backoff: noBackoff,
          }),
        );
        running.forEach((r) => r.start());
        await waitUntil(async () => (await outbox.pending()) === 0, 'an empty outbox', 10_000, 2);
        await Promise.all(running.map((r) => r.stop()));
        assert.equal(new Set(log.map((m) => m.id)).size, messages.length);
        assertInOrder(log, 8);
      },
    ),
    { numRuns: 25 },
  );
});

test('notify wakes an idle relay at once, also when it lands during a pass; stop is final', async () => {
  const outbox = createInMemoryOutbox();
  const { publisher, log } = recordingPublisher();
  let claims = 0;
  let notifyDuringClaim = false;
  const spied: Outbox = {
    ...outbox,
    claim: async (options) => {
      claims += 1;
      const claimed = await outbox.claim(options);
      // An append and its notify between the (empty) claim and the idle wait.
      if (notifyDuringClaim) {
        notifyDuringClaim = false;
        outbox.add(fill(1, 3).map((m) => ({ ...m, id: `late-${m.id}` })));
        relay.notify();
      }
      return claimed;
    },
  };
  const relay = createOutboxRelay({ outbox: spied, publisher, owner: 'n', pollMs: 60_000 });
  relay.start();
  await waitUntil(() => claims > 0, 'the first claim');
  await delay(10);
  outbox.add(fill(1, 3));
  const started = Date.now();
  relay.notify();
  await waitUntil(() => log.length === 3, 'the notified pass');
  notifyDuringClaim = true;
  await delay(10);
  relay.notify();
  await waitUntil(() => log.length === 6, 'the pass notified during a claim');
  assert.ok(Date.now() - started < 2_000);
  await relay.stop();
  assert.throws(() => relay.start(), /stopped/);
});

test('runOnce and drain refuse while the loop runs; the loop reports its health', async () => {
  const outbox = createInMemoryOutbox();
  outbox.add(fill(2, 2));
  const { publisher } = recordingPublisher();
  let now = 1_000;
  const relay = createOutboxRelay({
    outbox,
    publisher,
    owner: 'h',
    pollMs: 60_000,
    clock: { now: () => new Date(now++) },
  });
  assert.equal(relay.health(), {
    name: 'outbox-relay:h',
    running: false,
    steps: 0,
    failures: 0,
    consecutiveFailures: 0,
    published: 0,
    markFailures: 0,
  });
  relay.start();
  assert.ok(relay.running);
  let thrown: unknown;
  await relay.runOnce().catch((error: unknown) => (thrown = error));
  assert.match(String(thrown), /runs its loop/);
  await waitUntil(() => relay.published() === 4, 'the messages');
  await waitUntil(() => relay.health().steps >= 2, 'an idle pass');
  await relay.stop();
  const health = relay.health();
  assert.is(health.running, false);
  assert.is(health.published, 4);
  assert.is(health.consecutiveFailures, 0);
  assert.instance(health.lastSuccessAt, Date);
  assert.is(health.lastFailureAt, undefined);
});

test('a failing outbox: the loop backs off with the policy and the injected wait, and recovers', async () => {
  const outbox = createInMemoryOutbox();
  outbox.add(fill(1, 3));
  let down = 3;
  const failing: Outbox = {
    ...outbox,
    claim: async (options) => {
      if (down > 0) {
        down -= 1;
        throw new Error('outbox down');
      }
      return outbox.claim(options);
    },
  };
  const waits: number[] = [];
  const { publisher, log } = recordingPublisher();
  const failures: number[] = [];
  const relay = createOutboxRelay({
    outbox: failing,
    publisher,
    owner: 'b',
    pollMs: 1,
    backoff: { initialMs: 100, factor: 3, maxMs: 500 },
    wait: async (ms, signal) => {
      waits.push(ms);
      // The backoffs pass at once; the idle waits after recovery are real.
      if (waits.length > 3)
        await new Promise<void>((resolve) => {
          const timer = setTimeout(resolve, ms);
          signal?.addEventListener('abort', () => {
            clearTimeout(timer);
            resolve();
          });
        });
    },
    onError: (_e, n) => failures.push(n),
  });
  relay.start();
  await waitUntil(() => log.length === 3, 'recovery');
  await relay.stop();
  assert.equal(failures, [1, 2, 3]);
  assert.equal(waits.slice(0, 3), [100, 300, 500], 'exponential, capped, no jitter unless asked');
});

test('bad options are refused with an invalid_options error naming the option', () => {
  const outbox = createInMemoryOutbox();
  const { publisher } = recordingPublisher();
  const cases: ReadonlyArray<readonly [Record<string, unknown>, string, unknown]> = [
    [{ batchSize: 0 }, 'batchSize', 0],
    [{ batchSize: 1.5 }, 'batchSize', 1.5],
    [{ leaseMs: -1 }, 'leaseMs', -1],
    [{ leaseMs: Number.NaN }, 'leaseMs', Number.NaN],
    [{ pollMs: -5 }, 'pollMs', -5],
    [{ owner: '' }, 'owner', ''],
    [{ pipeline: -1 }, 'pipeline', -1],
    [{ pipeline: 1.5 }, 'pipeline', 1.5],
  ];
  for (const [bad, path, actual] of cases) {
    try {
      createOutboxRelay({ outbox, publisher, owner: 'o', ...bad });
      assert.unreachable(`${path}: accepted`);
    } catch (error) {
      assert.instance(error, InvalidInputError);
      const e = error as InvalidInputError;
      assert.is(e.code, 'invalid_options', `${path}: code`);
      assert.is(e.issues.length, 1, `${path}: one issue`);
      assert.is(e.issues[0]?.path, path);
      assert.equal(e.issues[0]?.actual, actual);
      assert.match(e.message, path);
    }
  }
});

test.run();
