import type { Outbox } from '../../../messaging/outbox';
import type { OutboxMessage } from '../../../messaging/outgoing-message';
import { check, equal, equalDeep, expectInvalidInput, rejection } from '../shared/assert';
import { uniqueName } from '../shared/unique';
import type { OutboxConformanceCase, OutboxConformanceFactory } from './types';

const ids = (messages: ReadonlyArray<OutboxMessage>) => messages.map((m) => m.id);

/** Messages of `streams` streams with `perStream` versions each, interleaved in global order. */
const interleaved = (streams: number, perStream: number): OutboxMessage[] => {
  const prefix = uniqueName('oc');
  const out: OutboxMessage[] = [];
  for (let v = 0; v < perStream; v++) {
    for (let s = 0; s < streams; s++) {
      const streamId = `${prefix}-s${s}`;
      out.push({
        id: `${streamId}:${v}`,
        topic: 'conformance',
        key: streamId,
        type: 'Happened',
        payload: { stream: s, version: v },
        headers: { 'ordo-stream-id': streamId },
        streamId,
        streamVersion: BigInt(v),
        globalPosition: BigInt(out.length + 1),
      });
    }
  }
  return out;
};

const withOutbox =
  (body: (outbox: Outbox, add: (m: ReadonlyArray<OutboxMessage>) => Promise<void>) => Promise<void>) =>
  async (factory: OutboxConformanceFactory) => {
    const { outbox, add } = await factory.create();
    try {
      await body(outbox, add);
    } finally {
      await factory.dispose?.(outbox);
    }
  };

const LEASE = 60_000;

/** Every case of the outbox conformance suite. */
export const outboxConformanceCases: ReadonlyArray<OutboxConformanceCase> = [
  {
    name: 'outbox: one relay drains everything once, each stream in order',
    run: withOutbox(async (outbox, add) => {
      const messages = interleaved(6, 5);
      await add(messages);
      equal(await outbox.pending(), 30, 'pending after writing');
      const seen: string[] = [];
      for (let pass = 0; pass < 100 && (await outbox.pending()) > 0; pass++) {
        const batch = await outbox.claim({ owner: 'r', batchSize: 4, leaseMs: LEASE });
        seen.push(...ids(batch));
        await outbox.markPublished('r', ids(batch));
      }
      equalDeep([...seen].sort(), ids(messages).sort(), 'every message exactly once');
      for (const stream of new Set(messages.map((m) => m.streamId))) {
        equalDeep(
          seen.filter((id) => id.startsWith(`${stream}:`)),
          ids(messages.filter((m) => m.streamId === stream)),
          `stream ${stream} in order`,
        );
      }
      equalDeep(ids(await outbox.claim({ owner: 'r', batchSize: 10, leaseMs: LEASE })), [], 'nothing left');
    }),
  },
  {
    name: 'outbox: a stream another owner holds yields none of its messages; each claim is a prefix',
    run: withOutbox(async (outbox, add) => {
      const messages = interleaved(5, 4);
      await add(messages);
      const held = new Map<string, string>(); // stream -> owner
      const next = new Map<string, number>(); // stream -> next version expected
      for (const owner of ['a', 'b', 'c', 'd']) {
        const batch = await outbox.claim({ owner, batchSize: 3, leaseMs: LEASE });
        for (const m of batch) {
          const holder = held.get(m.streamId);
          check(holder === undefined || holder === owner, `${m.id} went to ${owner} while ${holder} holds its stream`);
          held.set(m.streamId, owner);
          const expected = next.get(m.streamId) ?? 0;
          check(Number(m.streamVersion) === expected, `${m.id} handed out before version ${expected} of its stream`);
          next.set(m.streamId, expected + 1);
        }
      }
      check(held.size > 0, 'some owner got messages');
    }),
  },
  {
    name: 'outbox: ahead continues after the owner’s unmarked claims; a plain claim hands them out again',
    run: withOutbox(async (outbox, add) => {
      const messages = interleaved(1, 4);
      await add(messages);
      const [m0, m1, m2, m3] = ids(messages) as [string, string, string, string];
      equalDeep(ids(await outbox.claim({ owner: 'a', batchSize: 2, leaseMs: LEASE })), [m0, m1], 'first claim');
      equalDeep(
        ids(await outbox.claim({ owner: 'a', batchSize: 10, leaseMs: LEASE, ahead: true })),
        [m2, m3],
        'a claim ahead continues the stream in flight',
      );
      equalDeep(ids(await outbox.claim({ owner: 'b', batchSize: 10, leaseMs: LEASE })), [], 'another owner gets none');
      equalDeep(
        ids(await outbox.claim({ owner: 'a', batchSize: 10, leaseMs: LEASE })),
        [m0, m1, m2, m3],
        'a plain claim hands the unmarked claims out again',
      );
      await outbox.markPublished('a', [m0, m1, m2, m3]);
      equal(await outbox.pending(), 0, 'marked messages are no longer pending');
    }),
  },
  {
    name: 'outbox: only the holder marks; release gives messages back at once',
    run: withOutbox(async (outbox, add) => {
      const messages = interleaved(1, 2);
      await add(messages);
      const all = ids(messages);
      equalDeep(ids(await outbox.claim({ owner: 'a', batchSize: 10, leaseMs: LEASE })), all, 'a claims');
      await outbox.markPublished('b', all);
      equal(await outbox.pending(), 2, 'a mark by an owner that holds nothing changes nothing');
      await outbox.release('a', all);
      equalDeep(ids(await outbox.claim({ owner: 'b', batchSize: 10, leaseMs: LEASE })), all, 'released, b claims them');
      await outbox.markPublished('a', all);
      equal(await outbox.pending(), 2, 'a mark by the owner that released them changes nothing');
      await outbox.markPublished('b', all);
      equal(await outbox.pending(), 0, 'the holder’s mark publishes');
    }),
  },
  {
    name: 'outbox: a claim with bad options is refused with one code per field and hands out nothing',
    run: withOutbox(async (outbox, add) => {
      await add(interleaved(1, 1));
      const bad: ReadonlyArray<readonly [Parameters<Outbox['claim']>[0], string, string]> = [
        [{ owner: '', batchSize: 1, leaseMs: LEASE }, 'invalid_owner', 'owner'],
        [{ owner: 'a', batchSize: 0, leaseMs: LEASE }, 'invalid_options', 'batchSize'],
        [{ owner: 'a', batchSize: 1.5, leaseMs: LEASE }, 'invalid_options', 'batchSize'],
        [{ owner: 'a', batchSize: 1, leaseMs: 0 }, 'invalid_options', 'leaseMs'],
      ];
      for (const [options, code, path] of bad) {
        const error = await rejection(() => outbox.claim(options), `claim(${JSON.stringify(options)})`);
        expectInvalidInput(error, code, `claim(${JSON.stringify(options)})`, path);
      }
      equal(await outbox.pending(), 1, 'nothing was claimed or lost');
      equal((await outbox.claim({ owner: 'a', batchSize: 1, leaseMs: LEASE })).length, 1, 'a good claim still works');
    }),
  },
];
