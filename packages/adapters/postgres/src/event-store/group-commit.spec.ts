import fc from 'fast-check';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { invalidOptions, thrown } from '../test-support';
import type { AppendRequest } from './append-request';
import { type AppendOutcome, GroupCommitQueue } from './group-commit';

const request = (streamId: string, ids: ReadonlyArray<string>, size = 10): AppendRequest => ({
  streamId,
  expected: 'any',
  events: ids.map((id) => ({
    event: { type: 'T' },
    metadata: { eventId: id, correlationId: id, causationId: id, occurredAt: 'x' },
  })),
  eventIds: ids,
  types: ids.map(() => 'T'),
  tenants: ids.map(() => null),
  data: ids.map(() => '{}'),
  metadata: ids.map(() => '{}'),
  size,
});

/** A writer that records each group and answers every append with its first event id as position. */
const recordingWriter = (delayMs = 5) => {
  const groups: Array<ReadonlyArray<string>> = [];
  const write = async (group: ReadonlyArray<AppendRequest>): Promise<ReadonlyArray<AppendOutcome>> => {
    groups.push(group.map((r) => r.eventIds[0]!));
    await new Promise((resolve) => setTimeout(resolve, delayMs));
    return group.map((r) =>
      r.streamId === 'bad'
        ? { ok: false, error: new Error(`bad ${r.eventIds[0]}`) }
        : {
            ok: true,
            result: { nextExpectedVersion: 0n, position: BigInt(Number.parseInt(r.eventIds[0]!.slice(1), 10) || 0) },
          },
    );
  };
  return { groups, write };
};

test('appends submitted together share one group, in submission order', async () => {
  const { groups, write } = recordingWriter();
  const queue = new GroupCommitQueue(write);
  const results = await Promise.all(Array.from({ length: 10 }, (_, i) => queue.submit(request(`s${i}`, [`e${i}`]))));
  assert.equal(groups, [['e0', 'e1', 'e2', 'e3', 'e4', 'e5', 'e6', 'e7', 'e8', 'e9']]);
  assert.equal(
    results.map((r) => r.position),
    Array.from({ length: 10 }, (_, i) => BigInt(i)),
  );
});

test('appends arriving while a group is in flight form the next group', async () => {
  const { groups, write } = recordingWriter(20);
  const queue = new GroupCommitQueue(write);
  const first = queue.submit(request('a', ['e0']));
  await new Promise((resolve) => setTimeout(resolve, 5));
  const rest = Array.from({ length: 5 }, (_, i) => queue.submit(request('b', [`e${i + 1}`])));
  await Promise.all([first, ...rest]);
  assert.equal(groups, [['e0'], ['e1', 'e2', 'e3', 'e4', 'e5']]);
});

test('writers that resubmit right after their append resolved are coalesced again', async () => {
  const { groups, write } = recordingWriter(2);
  const queue = new GroupCommitQueue(write);
  let n = 0;
  await Promise.all(
    Array.from({ length: 8 }, async (_, w) => {
      for (let k = 0; k < 5; k++) await queue.submit(request(`w${w}`, [`e${n++}`]));
    }),
  );
  assert.is(groups.length, 5, `groups: ${JSON.stringify(groups)}`);
  for (const g of groups) assert.is(g.length, 8);
  assert.equal(queue.stats, { groups: 5, appends: 40 });
});

test('each append gets its own outcome; a failing neighbour does not fail the others', async () => {
  const { write } = recordingWriter();
  const queue = new GroupCommitQueue(write);
  const settled = await Promise.allSettled([
    queue.submit(request('ok', ['e1'])),
    queue.submit(request('bad', ['e2'])),
    queue.submit(request('ok', ['e3'])),
  ]);
  assert.equal(
    settled.map((s) => s.status),
    ['fulfilled', 'rejected', 'fulfilled'],
  );
  assert.match(String((settled[1] as PromiseRejectedResult).reason), /bad e2/);
});

test('a writer that throws rejects its whole group, and the queue goes on', async () => {
  let calls = 0;
  const queue = new GroupCommitQueue(async (group) => {
    calls += 1;
    if (calls === 1) throw new Error('connection lost');
    return group.map(() => ({ ok: true, result: { nextExpectedVersion: 0n, position: 1n } }) as const);
  });
  const first = await Promise.allSettled([queue.submit(request('a', ['e1'])), queue.submit(request('b', ['e2']))]);
  assert.equal(
    first.map((s) => s.status),
    ['rejected', 'rejected'],
  );
  assert.is((await queue.submit(request('a', ['e3']))).position, 1n);
});

test('an append repeating an event id of its group waits for the next group', async () => {
  const { groups, write } = recordingWriter();
  const queue = new GroupCommitQueue(write);
  await Promise.all([
    queue.submit(request('a', ['x1', 'x2'])),
    queue.submit(request('a', ['x2', 'x3'])),
    queue.submit(request('b', ['y1'])),
    queue.submit(request('a', ['x1', 'x2'])),
  ]);
  // [x2, x3] repeats x2 of the first append; [x1, x2] then repeats x2 of [x2, x3].
  assert.equal(groups, [['x1', 'y1'], ['x2'], ['x1']]);
});

test('groups respect maxAppends and maxSize; an oversized append goes alone', async () => {
  const { groups, write } = recordingWriter();
  const queue = new GroupCommitQueue(write, { maxAppends: 3, maxSize: 100 });
  await Promise.all([
    ...Array.from({ length: 7 }, (_, i) => queue.submit(request('s', [`e${i}`], 10))),
    queue.submit(request('s', ['big'], 500)),
    queue.submit(request('s', ['m1'], 60)),
    queue.submit(request('s', ['m2'], 60)),
  ]);
  assert.equal(groups, [['e0', 'e1', 'e2'], ['e3', 'e4', 'e5'], ['e6'], ['big'], ['m1'], ['m2']]);
  for (const name of ['maxAppends', 'maxSize', 'maxInFlight'] as const) {
    for (const bad of [0, -1, 1.5, Number.NaN]) {
      assert.equal(
        thrown(() => new GroupCommitQueue(write, { [name]: bad })),
        invalidOptions(`groupCommit.${name}`),
      );
    }
  }
});

test('property: every append is written exactly once, groups keep submission order and never repeat an event id', async () => {
  await fc.assert(
    fc.asyncProperty(
      fc.array(fc.array(fc.integer({ min: 0, max: 30 }), { minLength: 1, maxLength: 3 }), {
        minLength: 1,
        maxLength: 40,
      }),
      fc.integer({ min: 1, max: 6 }),
      async (batches, maxAppends) => {
        const { groups, write } = recordingWriter(0);
        const queue = new GroupCommitQueue(
          async (group) => {
            const ids = group.flatMap((r) => r.eventIds);
            assert.is(new Set(ids).size, ids.length, 'no event id twice in one group');
            return write(group);
          },
          { maxAppends },
        );
        const distinct = batches.map((b) => [...new Set(b)].map((n) => `e${n}`));
        await Promise.all(distinct.map((ids, i) => queue.submit(request(`s${i}`, ids))));
        const written = groups.flat();
        assert.is(written.length, distinct.length, 'each append written once');
        for (const g of groups) assert.ok(g.length <= maxAppends, 'group size bound');
        await queue.drain();
        assert.is(queue.pending, 0);
      },
    ),
    { numRuns: 100 },
  );
});

test.run();
