import { type IncomingMessage, InvalidInputError, type OutgoingMessage } from '@ordo/kernel';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { type InMemoryMessageBusOptions, createInMemoryMessageBus } from './in-memory-message-bus';

const msg = (key: string, n: number, topic = 'orders'): OutgoingMessage => ({
  id: `${key}#${n}`,
  topic,
  key,
  type: 'Happened',
  payload: { key, n },
  headers: { 'x-n': String(n) },
});

/** 4 keys x 5 messages, interleaved. */
const batch = (): OutgoingMessage[] => {
  const out: OutgoingMessage[] = [];
  for (let n = 0; n < 5; n++) for (const key of ['a', 'b', 'c', 'd']) out.push(msg(key, n));
  return out;
};

const run = async (options: InMemoryMessageBusOptions) => {
  const bus = createInMemoryMessageBus(options);
  const got: IncomingMessage[] = [];
  await bus.subscribe({ topics: ['orders'], group: 'g', handle: async (m) => void got.push(m) });
  await bus.publish(batch());
  await bus.idle();
  return { bus, got };
};

/** True when every key's first deliveries come in publish order. */
const keepsKeyOrder = (got: ReadonlyArray<IncomingMessage>) => {
  const last = new Map<string, number>();
  for (const m of got) {
    const n = (m.payload as { n: number }).n;
    if (m.attempt === 1 && (last.get(m.key) ?? -1) >= n) return false;
    if (m.attempt === 1) last.set(m.key, n);
  }
  return true;
};

test('every group gets every message of its topics once, in publish order by default', async () => {
  const bus = createInMemoryMessageBus();
  const a: string[] = [];
  const b: string[] = [];
  const other: string[] = [];
  await bus.publish([msg('k', 0)]); // before anyone subscribed: retained
  await bus.subscribe({ topics: ['orders'], group: 'billing', handle: async (m) => void a.push(m.id) });
  await bus.subscribe({ topics: ['orders', 'stock'], group: 'audit', handle: async (m) => void b.push(m.id) });
  await bus.subscribe({ topics: ['stock'], group: 'stock', handle: async (m) => void other.push(m.id) });
  await bus.publish([msg('k', 1), msg('j', 0), msg('s', 0, 'stock')]);
  await bus.idle();
  assert.equal(a, ['k#0', 'k#1', 'j#0']);
  assert.equal(b, ['k#0', 'k#1', 'j#0', 's#0']);
  assert.equal(other, ['s#0']);
  assert.equal(
    bus.messages('orders').map((m) => m.id),
    ['k#0', 'k#1', 'j#0'],
  );
});

test('members of one group share its messages, each key always on one member', async () => {
  const bus = createInMemoryMessageBus();
  const byMember: Array<Array<string>> = [[], [], []];
  for (const i of [0, 1, 2]) {
    await bus.subscribe({ topics: ['orders'], group: 'g', handle: async (m) => void byMember[i]!.push(m.key) });
  }
  await bus.publish(batch());
  await bus.idle();
  assert.is(byMember.flat().length, 20, 'each message delivered once to the group');
  const owners = new Map<string, Set<number>>();
  byMember.forEach((keys, i) => keys.forEach((k) => owners.set(k, (owners.get(k) ?? new Set()).add(i))));
  for (const [key, members] of owners) assert.is(members.size, 1, `key ${key} went to one member`);
});

test('a failing handler gets the message again, then it is dead-lettered', async () => {
  const dead: string[] = [];
  const bus = createInMemoryMessageBus({ maxAttempts: 3, onDeadLetter: (d) => void dead.push(d.message.id) });
  const seen: Array<[string, number]> = [];
  let flakyFailures = 1;
  await bus.subscribe({
    topics: ['orders'],
    group: 'g',
    handle: async (m) => {
      seen.push([m.id, m.attempt ?? 0]);
      if (m.key === 'poison') throw new Error('always fails');
      if (m.key === 'flaky' && flakyFailures-- > 0) throw new Error('fails once');
    },
  });
  await bus.publish([msg('flaky', 0), msg('flaky', 1), msg('poison', 0), msg('ok', 0)]);
  await bus.idle();
  assert.equal(seen, [
    ['flaky#0', 1],
    ['flaky#0', 2],
    ['flaky#1', 1],
    ['poison#0', 1],
    ['poison#0', 2],
    ['poison#0', 3],
    ['ok#0', 1],
  ]);
  assert.equal(dead, ['poison#0']);
  assert.is(bus.deadLetters()[0]?.attempts, 3);
});

test('seeded mode: the same seed replays the same delivery sequence, another seed differs', async () => {
  const options = { seed: 1234, reorder: true, duplicateRate: 0.3 };
  const first = await run(options);
  const again = await run(options);
  const other = await run({ ...options, seed: 99 });
  const sequence = (r: { got: IncomingMessage[] }) => r.got.map((m) => `${m.id}/${m.attempt}`);
  assert.equal(sequence(first), sequence(again));
  assert.equal(first.bus.deliveries(), again.bus.deliveries());
  assert.not.equal(sequence(first), sequence(other));
  const fifo = await run({});
  assert.not.equal(sequence(first).slice(0, 20), sequence(fifo).slice(0, 20), 'reordered across keys');
});

test('seeded mode keeps per-key order unless reorderWithinKey, and duplicates some messages', async () => {
  let reorderedAcrossKeys = false;
  for (let seed = 1; seed <= 20; seed++) {
    const { got } = await run({ seed, reorder: true, duplicateRate: 0.25 });
    assert.ok(keepsKeyOrder(got), `seed ${seed}: a key's messages came out of order`);
    const firsts = got.filter((m) => m.attempt === 1);
    assert.is(firsts.length, 20, `seed ${seed}: every message delivered`);
    assert.is(new Set(firsts.map((m) => m.id)).size, 20);
    const dups = got.filter((m) => m.attempt === 2);
    assert.ok(
      dups.every((d) => firsts.some((f) => f.id === d.id)),
      'a duplicate repeats a delivered message',
    );
    assert.ok(got.length - 20 === dups.length, 'at most two deliveries per message');
    if (
      firsts.map((m) => m.id).join() !==
      batch()
        .map((m) => m.id)
        .join()
    )
      reorderedAcrossKeys = true;
  }
  assert.ok(reorderedAcrossKeys);
  let brokeKeyOrder = false;
  for (let seed = 1; seed <= 20 && !brokeKeyOrder; seed++) {
    const { got } = await run({ seed, reorder: true, reorderWithinKey: true });
    assert.is(got.length, 20);
    if (!keepsKeyOrder(got)) brokeKeyOrder = true;
  }
  assert.ok(brokeKeyOrder, 'reorderWithinKey shuffles within a key for some seed');
  const noDup = await run({ seed: 5, reorder: true });
  assert.is(noDup.got.length, 20, 'no duplicates without duplicateRate');
  const rate = await run({ seed: 5, duplicateRate: 1 });
  assert.is(rate.got.length, 40, 'duplicateRate 1 delivers everything twice');
});

test('stop() ends delivery to a member; the group resumes with a new member', async () => {
  const bus = createInMemoryMessageBus();
  const first: string[] = [];
  const sub = await bus.subscribe({ topics: ['orders'], group: 'g', handle: async (m) => void first.push(m.id) });
  await bus.publish([msg('a', 0)]);
  await bus.idle();
  await sub.stop();
  await bus.publish([msg('a', 1), msg('a', 2)]);
  await bus.idle();
  assert.equal(first, ['a#0']);
  const second: string[] = [];
  await bus.subscribe({ topics: ['orders'], group: 'g', handle: async (m) => void second.push(m.id) });
  await bus.idle();
  assert.equal(second, ['a#1', 'a#2'], 'the group continues where it stopped');
});

test('messages are copied, and bad messages are rejected with nothing published', async () => {
  const bus = createInMemoryMessageBus();
  const payload = { n: 1 };
  await bus.publish([{ ...msg('a', 0), payload }]);
  payload.n = 2;
  assert.equal(bus.messages('orders')[0]?.payload, { n: 1 });
  const bad: ReadonlyArray<Partial<OutgoingMessage> & Record<string, unknown>> = [
    { ...msg('a', 1), payload: { at: new Date(0) } },
    { ...msg('a', 1), payload: { n: 1n } },
    { ...msg('a', 1), id: '' },
    { ...msg('a', 1), topic: '' },
    { ...msg('a', 1), headers: { n: 1 } as unknown as Record<string, string> },
  ];
  for (const m of bad) {
    try {
      await bus.publish([msg('ok', 0), m as OutgoingMessage]);
      assert.unreachable('should reject');
    } catch (error) {
      assert.is((error as Error).name, 'InvalidInputError');
    }
  }
  assert.is(bus.messages('orders').length, 1, 'nothing of a rejected publish is kept');
  const badOptions: ReadonlyArray<[InMemoryMessageBusOptions, string]> = [
    [{ duplicateRate: 2 }, 'duplicateRate'],
    [{ seed: 1.5 }, 'seed'],
    [{ maxAttempts: 0 }, 'maxAttempts'],
  ];
  for (const [options, path] of badOptions) {
    try {
      createInMemoryMessageBus(options);
      assert.unreachable(`should reject ${path}`);
    } catch (error) {
      assert.instance(error, InvalidInputError);
      assert.is((error as InvalidInputError).code, 'invalid_options');
      assert.equal(
        (error as InvalidInputError).issues.map((issue) => issue.path),
        [path],
      );
    }
  }
});

test.run();
