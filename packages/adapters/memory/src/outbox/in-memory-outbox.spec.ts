import fc from 'fast-check';
import { type OutboxMessage, relayOnce } from '@ordo/kernel';
import { outboxConformance } from '@ordo/kernel/testing';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { createInMemoryOutbox } from './in-memory-outbox';
import { createManualClock } from '../runtime';

outboxConformance(test, {
  create: async () => {
    const outbox = createInMemoryOutbox();
    return { outbox, add: async (messages) => outbox.add(messages) };
  },
});

let position = 0n;
const message = (streamId: string, version: number): OutboxMessage => {
  position += 1n;
  return {
    id: `${streamId}@${version}`,
    topic: 'orders',
    key: streamId,
    type: 'Happened',
    payload: { version },
    headers: {},
    streamId,
    streamVersion: BigInt(version),
    globalPosition: position,
  };
};

test('claim hands out messages in order, and markPublished removes them', async () => {
  const outbox = createInMemoryOutbox({ clock: createManualClock() });
  outbox.add([message('a', 0), message('b', 0), message('a', 1)]);
  assert.is(await outbox.pending(), 3);
  const claimed = await outbox.claim({ owner: 'r1', batchSize: 2, leaseMs: 1000 });
  assert.equal(
    claimed.map((m) => m.id),
    ['a@0', 'b@0'],
  );
  await outbox.markPublished('r1', ['a@0', 'b@0']);
  assert.is(await outbox.pending(), 1);
  assert.equal(
    outbox.published().map((m) => m.id),
    ['a@0', 'b@0'],
  );
  assert.equal(
    (await outbox.claim({ owner: 'r1', batchSize: 10, leaseMs: 1000 })).map((m) => m.id),
    ['a@1'],
  );
});

test('a stream claimed by one relay is skipped by the others until published or expired', async () => {
  const clock = createManualClock();
  const outbox = createInMemoryOutbox({ clock });
  outbox.add([message('a', 0), message('a', 1), message('b', 0), message('c', 0), message('a', 2)]);
  const r1 = await outbox.claim({ owner: 'r1', batchSize: 1, leaseMs: 1000 });
  assert.equal(
    r1.map((m) => m.id),
    ['a@0'],
  );
  const r2 = await outbox.claim({ owner: 'r2', batchSize: 10, leaseMs: 1000 });
  assert.equal(
    r2.map((m) => m.id),
    ['b@0', 'c@0'],
    'stream a is held by r1: none of its messages goes to r2',
  );
  const r3 = await outbox.claim({ owner: 'r3', batchSize: 10, leaseMs: 1000 });
  assert.equal(r3, [], 'everything is claimed');
  // Every lease expires: r3 takes over everything, stream a from its first unpublished message.
  clock.advance(1001);
  const taken = await outbox.claim({ owner: 'r3', batchSize: 10, leaseMs: 1000 });
  assert.equal(
    taken.map((m) => m.id),
    ['a@0', 'a@1', 'b@0', 'c@0', 'a@2'],
  );
  // The late relay's mark is ignored: the messages belong to r3 now.
  await outbox.markPublished('r1', ['a@0']);
  assert.is(await outbox.pending(), 5);
  await outbox.markPublished('r3', ['a@0', 'a@1']);
  assert.is(await outbox.pending(), 3);
});

test('release gives messages back; a relay re-claims its own claims after a restart', async () => {
  const clock = createManualClock();
  const outbox = createInMemoryOutbox({ clock });
  outbox.add([message('a', 0), message('a', 1)]);
  await outbox.claim({ owner: 'r1', batchSize: 10, leaseMs: 1000 });
  assert.equal(
    (await outbox.claim({ owner: 'r1', batchSize: 10, leaseMs: 1000 })).map((m) => m.id),
    ['a@0', 'a@1'],
  );
  await outbox.release('r2', ['a@0']);
  assert.equal(await outbox.claim({ owner: 'r2', batchSize: 10, leaseMs: 1000 }), [], 'only the owner can release');
  await outbox.release('r1', ['a@0', 'a@1']);
  assert.equal(
    (await outbox.claim({ owner: 'r2', batchSize: 10, leaseMs: 1000 })).map((m) => m.id),
    ['a@0', 'a@1'],
  );
});

test('ahead: the owner keeps its unmarked claims and gets what follows, later messages of its streams included', async () => {
  const clock = createManualClock();
  const outbox = createInMemoryOutbox({ clock });
  outbox.add([message('a', 0), message('a', 1), message('b', 0), message('a', 2)]);
  const first = await outbox.claim({ owner: 'r1', batchSize: 2, leaseMs: 1000 });
  assert.equal(
    first.map((m) => m.id),
    ['a@0', 'a@1'],
  );
  const ahead = await outbox.claim({ owner: 'r1', batchSize: 10, leaseMs: 1000, ahead: true });
  assert.equal(
    ahead.map((m) => m.id),
    ['b@0', 'a@2'],
    'continues after the claims in flight',
  );
  assert.equal(await outbox.claim({ owner: 'r2', batchSize: 10, leaseMs: 1000 }), [], 'the others get nothing');
  assert.equal(await outbox.claim({ owner: 'r1', batchSize: 10, leaseMs: 1000, ahead: true }), [], 'nothing follows');
  assert.equal(
    (await outbox.claim({ owner: 'r1', batchSize: 10, leaseMs: 1000 })).map((m) => m.id),
    ['a@0', 'a@1', 'b@0', 'a@2'],
    'without ahead, the unmarked claims come back',
  );
});

test('add is all or nothing; bad claim requests are rejected', async () => {
  const outbox = createInMemoryOutbox();
  const m = message('a', 0);
  outbox.add([m]);
  assert.throws(() => outbox.add([message('b', 0), m]), /already stored/);
  assert.throws(() => outbox.add([message('c', 0), message('c', 0)].map((x) => ({ ...x, id: 'same' }))));
  assert.is(await outbox.pending(), 1);
  for (const [bad, code, path] of [
    [{ owner: '', batchSize: 1, leaseMs: 1 }, 'invalid_owner', 'owner'],
    [{ owner: 'r', batchSize: 0, leaseMs: 1 }, 'invalid_options', 'batchSize'],
    [{ owner: 'r', batchSize: 1, leaseMs: 0 }, 'invalid_options', 'leaseMs'],
  ] as const) {
    try {
      await outbox.claim(bad);
      assert.unreachable('claim should reject');
    } catch (error) {
      assert.is((error as { code?: string }).code, code);
      assert.is((error as { issues?: ReadonlyArray<{ path: string }> }).issues?.[0]?.path, path);
    }
  }
});

test('relayOnce publishes through a failing publisher at least once, in order', async () => {
  const outbox = createInMemoryOutbox();
  outbox.add([message('a', 0), message('a', 1)]);
  const sent: string[] = [];
  let fail = true;
  const publisher = {
    publish: async (batch: ReadonlyArray<{ id: string }>) => {
      if (fail) {
        fail = false;
        throw new Error('broker down');
      }
      sent.push(...batch.map((m) => m.id));
    },
  };
  try {
    await relayOnce(outbox, publisher, { owner: 'r1', batchSize: 10, leaseMs: 1000 });
    assert.unreachable('the first pass fails');
  } catch (error) {
    assert.match((error as Error).message, 'broker down');
  }
  assert.is(await relayOnce(outbox, publisher, { owner: 'r2', batchSize: 10, leaseMs: 1000 }), 2);
  assert.equal(sent, ['a@0', 'a@1']);
  assert.is(await outbox.pending(), 0);
});

/**
 * Three relays with random claims, publishes, marks, crashes (a relay forgets its batch without
 * marking) and clock jumps. Invariant: in what the broker receives, the first publication of a
 * stream's message always comes after the first publication of every earlier message of that
 * stream; and once the relays keep running without crashes, everything gets published.
 */
test('property: three relays keep per-stream order under crashes and lease expiry', async () => {
  type Action =
    { kind: 'claim' | 'publish' | 'mark' | 'crash'; relay: number; size: number } | { kind: 'tick'; ms: number };
  const action: fc.Arbitrary<Action> = fc.oneof(
    fc.record({
      kind: fc.constantFrom('claim', 'publish', 'mark', 'crash'),
      relay: fc.integer({ min: 0, max: 2 }),
      size: fc.integer({ min: 1, max: 4 }),
    }),
    fc.record({ kind: fc.constant('tick'), ms: fc.integer({ min: 1, max: 1500 }) }),
  ) as fc.Arbitrary<Action>;
  await fc.assert(
    fc.asyncProperty(fc.array(action, { maxLength: 60 }), fc.integer({ min: 3, max: 12 }), async (actions, count) => {
      const clock = createManualClock();
      const outbox = createInMemoryOutbox({ clock });
      const streams = ['a', 'b', 'c'];
      const versions = new Map<string, number>();
      const all: OutboxMessage[] = [];
      for (let i = 0; i < count; i++) {
        const s = streams[i % 3 === 0 ? 0 : (i * 7) % 3]!;
        const v = versions.get(s) ?? 0;
        versions.set(s, v + 1);
        all.push(message(s, v));
      }
      outbox.add(all);
      const firstPublished = new Set<string>();
      const broker = (m: OutboxMessage) => {
        if (firstPublished.has(m.id)) return;
        for (let v = 0; v < Number(m.streamVersion); v++) {
          assert.ok(firstPublished.has(`${m.streamId}@${v}`), `${m.id} published before ${m.streamId}@${v}`);
        }
        firstPublished.add(m.id);
      };
      const batches: Array<{ claimed: ReadonlyArray<OutboxMessage>; published: boolean } | undefined> = [];
      const owner = (r: number) => `relay-${r}`;
      for (const a of actions) {
        if (a.kind === 'tick') {
          clock.advance(a.ms);
          continue;
        }
        const batch = batches[a.relay];
        if (a.kind === 'claim' && batch === undefined) {
          batches[a.relay] = {
            claimed: await outbox.claim({ owner: owner(a.relay), batchSize: a.size, leaseMs: 1000 }),
            published: false,
          };
        } else if (a.kind === 'publish' && batch !== undefined && !batch.published) {
          batch.claimed.forEach(broker);
          batch.published = true;
        } else if (a.kind === 'mark' && batch?.published) {
          await outbox.markPublished(
            owner(a.relay),
            batch.claimed.map((m) => m.id),
          );
          batches[a.relay] = undefined;
        } else if (a.kind === 'crash') {
          batches[a.relay] = undefined;
        }
      }
      // Drain: leases expire, then one relay runs to the end.
      clock.advance(5000);
      for (let guard = 0; guard < 100 && (await outbox.pending()) > 0; guard++) {
        const claimed = await outbox.claim({ owner: 'drain', batchSize: 3, leaseMs: 1000 });
        claimed.forEach(broker);
        await outbox.markPublished(
          'drain',
          claimed.map((m) => m.id),
        );
      }
      assert.is(await outbox.pending(), 0);
      assert.is(firstPublished.size, all.length, 'every message was published');
    }),
    { numRuns: 300 },
  );
});

test.run();
