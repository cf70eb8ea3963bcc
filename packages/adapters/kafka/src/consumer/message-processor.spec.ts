import { decodeWith, defineMessages, type Inbox, type InboxResult } from '@ordo/kernel';
import * as t from 'io-ts';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import type { ConsumerEvent } from './consumer-events';
import type { DeadLetterInfo } from './dead-letter';
import { decodeMessage, processMessage, type ProcessorDeps, type RawKafkaMessage } from './message-processor';

const Events = defineMessages({ Deposited: { account: t.string, amount: t.number } });
type Event = t.TypeOf<typeof Events.codec>;

/** A transactional in-memory inbox: an effect's writes (to `tx`) and the record land together, or neither. */
const transactionalInbox = () => {
  const handled = new Set<string>();
  const applied: string[] = [];
  let failOutsideEffect = 0;
  const inbox: Inbox<string[]> = {
    async handleOnce<R>(consumer: string, id: string, effect: (tx: string[]) => Promise<R>): Promise<InboxResult<R>> {
      if (failOutsideEffect > 0) {
        failOutsideEffect -= 1;
        throw new Error('connection refused');
      }
      const key = `${consumer}/${id}`;
      if (handled.has(key)) return { duplicate: true };
      const tx: string[] = [];
      const result = await effect(tx);
      handled.add(key);
      applied.push(...tx);
      return { duplicate: false, result };
    },
    has: async (consumer, id) => handled.has(`${consumer}/${id}`),
  };
  return { inbox, applied, failNext: (n: number) => (failOutsideEffect = n) };
};

const raw = (value: unknown, headers: Record<string, string> = { 'ordo-event-id': 'e-1' }): RawKafkaMessage => ({
  topic: 'account',
  partition: 1,
  offset: '7',
  key: Buffer.from('account-1'),
  value: value === null ? null : Buffer.from(typeof value === 'string' ? value : JSON.stringify(value)),
  headers: Object.fromEntries(Object.entries(headers).map(([k, v]) => [k, Buffer.from(v)])),
});

const valid = { type: 'Deposited', account: 'a-1', amount: 5 };

const setup = (handle: ProcessorDeps<Event, string[]>['handle'], maxAttempts = 3) => {
  const { inbox, applied, failNext } = transactionalInbox();
  const deadLetters: Array<{ message: RawKafkaMessage; info: DeadLetterInfo }> = [];
  const events: ConsumerEvent[] = [];
  let failDeadLetter = 0;
  const deps: ProcessorDeps<Event, string[]> = {
    decode: decodeWith(Events.codec, 'Kafka message'),
    inbox,
    inboxConsumer: 'billing',
    group: 'billing-group',
    handle,
    maxAttempts,
    retryBackoff: { initialMs: 1, maxMs: 2 },
    infrastructureBackoff: { initialMs: 1, maxMs: 2 },
    now: () => new Date('2024-01-01T00:00:00.000Z'),
    onEvent: (event) => events.push(event),
    deadLetter: async (message, info) => {
      if (failDeadLetter > 0) {
        failDeadLetter -= 1;
        throw new Error('broker away');
      }
      deadLetters.push({ message, info });
      return 'account.dlq';
    },
  };
  return {
    deps,
    applied,
    deadLetters,
    events,
    failInbox: failNext,
    failDeadLetter: (n: number) => (failDeadLetter = n),
  };
};

const never = new AbortController().signal;

test('a valid message is handled once; its redelivery is a duplicate with no second effect', async () => {
  const seen: unknown[] = [];
  const s = setup(async (event, { tx, message }) => {
    seen.push({ event, id: message.id, attempt: message.attempt, key: message.key, type: message.type });
    tx.push(`${event.account}+${event.amount}`);
  });
  assert.equal(await processMessage(raw(valid), s.deps, never), { kind: 'handled', attempts: 1 });
  assert.equal(await processMessage(raw(valid), s.deps, never), { kind: 'duplicate' });
  assert.equal(s.applied, ['a-1+5']);
  assert.equal(seen, [{ event: valid, id: 'e-1', attempt: 1, key: 'account-1', type: 'Deposited' }]);
});

test('undecodable messages go to the dead-letter topic at once, without running the handler', async () => {
  let calls = 0;
  const s = setup(async () => {
    calls += 1;
  });
  const cases: RawKafkaMessage[] = [
    raw('{not json'),
    raw(null),
    raw({ type: 'Deposited', account: 'a-1', amount: 'five' }),
    raw({ type: 'Unknown' }),
    raw(valid, {}),
  ];
  for (const message of cases) {
    assert.equal(await processMessage(message, s.deps, never), {
      kind: 'dead-lettered',
      reason: 'undecodable',
      attempts: 0,
    });
  }
  assert.is(calls, 0);
  assert.is(s.deadLetters.length, 5);
  assert.match(String((s.deadLetters[2]?.info.error as Error).message), /amount: expected number/);
  assert.match(String((s.deadLetters[4]?.info.error as Error).message), /ordo-event-id/);
  assert.is(s.deadLetters[0]?.info.group, 'billing-group');
  assert.is(s.deadLetters[0]?.info.offset, '7');
});

test('a failing handler is retried with backoff and succeeds; only the successful try has an effect', async () => {
  let calls = 0;
  const s = setup(async (_event, { tx, message }) => {
    calls += 1;
    tx.push(`try ${message.attempt}`);
    if (calls < 3) throw new Error(`flaky ${calls}`);
  });
  assert.equal(await processMessage(raw(valid), s.deps, never), { kind: 'handled', attempts: 3 });
  assert.equal(s.applied, ['try 3']);
  const retries = s.events.filter((e) => e.type === 'retrying');
  assert.equal(
    retries.map((e) => (e.type === 'retrying' ? [e.attempt, e.delayMs] : [])),
    [
      [1, 1],
      [2, 2],
    ],
  );
});

test('a handler failing every try is dead-lettered after maxAttempts, with the last error', async () => {
  let calls = 0;
  const s = setup(async () => {
    calls += 1;
    throw new Error(`always ${calls}`);
  }, 4);
  assert.equal(await processMessage(raw(valid), s.deps, never), {
    kind: 'dead-lettered',
    reason: 'handler-failed',
    attempts: 4,
  });
  assert.is(calls, 4);
  assert.equal(s.applied, []);
  assert.is((s.deadLetters[0]?.info.error as Error).message, 'always 4');
  assert.is(s.deadLetters[0]?.info.attempts, 4);
});

test('failures outside the handler (inbox down) are retried without counting as attempts', async () => {
  const s = setup(async (_e, { tx }) => {
    tx.push('done');
  }, 1);
  s.failInbox(5);
  assert.equal(await processMessage(raw(valid), s.deps, never), { kind: 'handled', attempts: 1 });
  assert.equal(s.applied, ['done']);
  assert.is(s.events.filter((e) => e.type === 'infrastructure-error').length, 5);
  assert.is(s.deadLetters.length, 0);
});

test('a failing dead-letter send is retried until it works', async () => {
  const s = setup(async () => undefined);
  s.failDeadLetter(3);
  assert.equal(await processMessage(raw('nope'), s.deps, never), {
    kind: 'dead-lettered',
    reason: 'undecodable',
    attempts: 0,
  });
  assert.is(s.deadLetters.length, 1);
  assert.is(s.events.filter((e) => e.type === 'infrastructure-error' && e.stage === 'dead-letter').length, 3);
});

test('stopping during a retry wait aborts: the message is neither handled nor dead-lettered', async () => {
  const controller = new AbortController();
  const s = setup(async () => {
    controller.abort();
    throw new Error('fails, then the consumer stops');
  }, 10);
  const started = Date.now();
  const outcome = await processMessage(
    raw(valid),
    { ...s.deps, retryBackoff: { initialMs: 60_000 } },
    controller.signal,
  );
  assert.equal(outcome, { kind: 'aborted' });
  assert.ok(Date.now() - started < 5_000);
  assert.is(s.deadLetters.length, 0);
  assert.equal(s.applied, []);
});

test('a decoded message reads its headers on first use, with the same values as before, spread or not', () => {
  const message = raw(valid, { 'ordo-event-id': 'e-9', 'ordo-event-type': 'Deposited', 'ordo-stream-id': 'account-1' });
  const decoded = decodeMessage(message, decodeWith(Events.codec, 'Kafka message'));
  assert.ok(decoded.ok);
  if (!decoded.ok) return;
  assert.is(decoded.message.id, 'e-9');
  assert.is(decoded.message.type, 'Deposited');
  const expected = { 'ordo-event-id': 'e-9', 'ordo-event-type': 'Deposited', 'ordo-stream-id': 'account-1' };
  assert.equal(decoded.message.headers, expected);
  assert.is(decoded.message.headers, decoded.message.headers, 'decoded once');
  assert.equal({ ...decoded.message, attempt: 2 }.headers, expected);
  assert.equal(JSON.parse(JSON.stringify(decoded.message)).headers, expected);
});

test.run();
