// The command handler's edges: bad input comes back as a ValidationError value naming the field
// the caller passed, with nothing written; `handle` is typed and `handleUntrusted` decodes; the
// commands of one stream queue behind each other, and retries after foreign conflicts back off.
import { createInMemoryEventStore } from '@ordo/adapter-memory';
import * as E from 'fp-ts/Either';
import * as t from 'io-ts';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { commandContextIssues, isIsoDateTime } from './command-context';
import { createCommandHandler, type CommandResult } from './command-handler';
import { type ConflictBackoff, jitteredBackoff } from './conflict-backoff';
import { accept, type Decider } from './decider';
import { type InvalidInputError, isInvalidInputError, type ValidationError } from '../model/errors';
import type { EventStore } from '../event-store/event-store';
import { defineMessages, type MessageOf } from '../model/messages';
import { createStreamQueue } from './stream-queue';
import { isWrongExpectedVersionError } from '../event-store/wrong-expected-version-error';

const Commands = defineMessages({ Add: { counter: t.string, amount: t.number } }, 'CounterCommand');
type Command = MessageOf<typeof Commands>;
type Event = { readonly type: 'Added'; readonly amount: number };
const counter: Decider<Command, Event, number> = {
  initialState: 0,
  decide: (command) => accept({ type: 'Added', amount: command.amount }),
  evolve: (state, event) => state + event.amount,
};
const at = '2026-01-01T12:00:00Z';
let ids = 0;
const add = (amount = 1, name = 'a'): Command => ({ type: 'Add', counter: name, amount });
const context = (commandId = `c-${++ids}`) => ({ commandId, occurredAt: at });

/** A store that counts the version conflicts it throws. */
const counting = () => {
  const inner = createInMemoryEventStore<Event>();
  const seen = { conflicts: 0, appends: 0 };
  const store: EventStore<Event> = {
    ...inner,
    readStream: (s, o) => inner.readStream(s, o),
    readAll: (o) => inner.readAll(o),
    subscribeToAll: (o) => inner.subscribeToAll(o),
    appendToStream: async (s, events, o) => {
      seen.appends += 1;
      try {
        return await inner.appendToStream(s, events, o);
      } catch (error) {
        if (isWrongExpectedVersionError(error)) seen.conflicts += 1;
        throw error;
      }
    },
  };
  return { store, inner, seen };
};

const validation = (r: CommandResult<Event, number>): ValidationError => {
  if (E.isRight(r) || r.left._tag !== 'ValidationError')
    throw new Error(`expected a ValidationError, got ${JSON.stringify(r)}`);
  return r.left;
};

test('an empty stream id is a ValidationError value on `streamId`; nothing is written', async () => {
  const { store, inner } = counting();
  const handler = createCommandHandler({ decider: counter, store, streamId: () => '' });
  const error = validation(await handler.handle(add(), context()));
  assert.equal(
    error.issues.map((i) => i.path),
    ['streamId'],
  );
  assert.match(error.message, /streamId/);
  assert.equal(await inner.readAll(), []);
});

test('an empty commandId names `commandId`, not a metadata field the caller never set', async () => {
  const { store, inner } = counting();
  const handler = createCommandHandler({ decider: counter, store, streamId: (c: Command) => `counter-${c.counter}` });
  const error = validation(await handler.handle(add(), { commandId: '', occurredAt: at }));
  assert.equal(error.issues, [{ path: 'commandId', expected: 'non-empty string', actual: '' }]);
  assert.not.match(error.message, /correlationId/);
  assert.equal(await inner.readAll(), []);
});

test('occurredAt must be an ISO-8601 date-time: `yesterday` and impossible dates are refused', async () => {
  const { store, inner } = counting();
  const handler = createCommandHandler({ decider: counter, store, streamId: (c: Command) => `counter-${c.counter}` });
  for (const occurredAt of ['yesterday', '2026-02-30T00:00:00Z', '2026-01-01', '2026-01-01T25:00:00Z', '']) {
    const error = validation(await handler.handle(add(), { commandId: `t-${occurredAt}`, occurredAt }));
    assert.equal(
      error.issues.map((i) => i.path),
      ['occurredAt'],
      occurredAt,
    );
  }
  assert.equal(await inner.readAll(), []);
  const ok = await handler.handle(add(), { commandId: 'ok', occurredAt: '2026-01-01T12:00:00.123+02:00' });
  assert.ok(E.isRight(ok));
});

test('every bad field is listed at once; untrusted input of any shape never throws', async () => {
  const { store, inner } = counting();
  const handler = createCommandHandler({
    decider: counter,
    store,
    streamId: (c: Command) => c.counter,
    commandCodec: Commands.codec,
  });
  const error = validation(
    await handler.handle(add(1, ''), {
      commandId: ' ',
      occurredAt: 'soon',
      correlationId: '',
      headers: { ok: 'yes', bad: 1 as unknown as string },
    }),
  );
  assert.equal(
    error.issues.map((i) => i.path),
    ['streamId', 'commandId', 'occurredAt', 'correlationId', 'headers.bad'],
  );
  for (const input of [null, 42, 'Add', [], { type: 'Add' }, { type: 'Nope', counter: 'a', amount: 1 }]) {
    const r = await handler.handleUntrusted(input, context());
    assert.is(validation(r)._tag, 'ValidationError');
  }
  for (const bad of [null, undefined, 'c-1', [], { occurredAt: at }]) {
    assert.ok(commandContextIssues(bad).length > 0, String(bad));
  }
  assert.equal(await inner.readAll(), []);
});

test('events the store refuses (data JSON cannot carry) come back as a ValidationError; nothing is written', async () => {
  const { store, inner } = counting();
  const handler = createCommandHandler({ decider: counter, store, streamId: (c: Command) => `counter-${c.counter}` });
  const error = validation(await handler.handle(add(Number.NaN), context()));
  assert.match(error.message, /cannot be stored/);
  assert.ok(error.issues.length > 0 && error.issues[0]!.path.includes('amount'), JSON.stringify(error.issues));
  assert.equal(await inner.readAll(), []);
});

test('isIsoDateTime: the instants it accepts and refuses', () => {
  for (const ok of ['2026-01-01T00:00Z', '2024-02-29T23:59:59.999999Z', '2026-12-31T12:00:00-05:30']) {
    assert.ok(isIsoDateTime(ok), ok);
  }
  for (const bad of [
    '2025-02-29T00:00:00Z',
    '2026-00-10T00:00:00Z',
    '2026-01-01T12:00:00',
    '2026-01-01T12:60:00Z',
    1,
  ]) {
    assert.not.ok(isIsoDateTime(bad), String(bad));
  }
});

test('handle is typed; handleUntrusted exists only with a command codec', async () => {
  const store = createInMemoryEventStore<Event>();
  const trusted = createCommandHandler({ decider: counter, store, streamId: (c: Command) => c.counter });
  const untrusted = createCommandHandler({
    decider: counter,
    store,
    streamId: (c: Command) => c.counter,
    commandCodec: Commands.codec,
  });
  // @ts-expect-error a command of the wrong shape does not compile
  const wrong = () => trusted.handle({ type: 'Add', counter: 'a', amount: 'many' }, context());
  // @ts-expect-error without a codec there is no untrusted path
  const missing = () => trusted.handleUntrusted({}, context());
  assert.type(wrong, 'function');
  assert.type(missing, 'function');
  assert.ok(E.isRight(await untrusted.handleUntrusted({ type: 'Add', counter: 'typed', amount: 2 }, context())));
});

test('invalid retry options are an invalid_options error', () => {
  const store = createInMemoryEventStore<Event>();
  for (const maxRetries of [-1, 1.5, Number.NaN]) {
    try {
      createCommandHandler({ decider: counter, store, streamId: (c: Command) => c.counter, maxRetries });
      assert.unreachable(`maxRetries ${maxRetries} was accepted`);
    } catch (error) {
      assert.ok(isInvalidInputError(error, 'invalid_options'), String(error));
      assert.is((error as InvalidInputError).issues[0]?.path, 'maxRetries');
    }
  }
  assert.throws(
    () => jitteredBackoff({ baseMs: -1 }),
    (e: unknown) => isInvalidInputError(e, 'invalid_options'),
  );
});

for (const n of [50, 500]) {
  test(`hot stream: ${n} concurrent commands on one stream in one process, default options: zero conflicts`, async () => {
    const { store, inner, seen } = counting();
    const handler = createCommandHandler({ decider: counter, store, streamId: (c: Command) => `counter-${c.counter}` });
    const results = await Promise.all(
      Array.from({ length: n }, (_, i) => handler.handle(add(i + 1, 'hot'), context())),
    );
    assert.ok(results.every(E.isRight), 'every command succeeded');
    assert.is(seen.conflicts, 0, 'version conflicts the store threw');
    assert.is(seen.appends, n, 'one append per command');
    const events = await inner.readStream('counter-hot');
    assert.equal(
      events.map((e) => e.event.amount),
      Array.from({ length: n }, (_, i) => i + 1),
      'appended in the order the commands arrived',
    );
  });
}

test('hot stream: without the queue the same load conflicts (the queue is what prevents it)', async () => {
  const { store, seen } = counting();
  const handler = createCommandHandler({
    decider: counter,
    store,
    streamId: (c: Command) => `counter-${c.counter}`,
    queue: false,
    maxRetries: 100,
  });
  const results = await Promise.all(Array.from({ length: 50 }, () => handler.handle(add(1, 'race'), context())));
  assert.ok(results.every(E.isRight));
  assert.ok(seen.conflicts > 0, `conflicts without the queue: ${seen.conflicts}`);
});

test('hot stream: handlers sharing one queue do not conflict with each other; other streams run alongside', async () => {
  const { store, seen } = counting();
  const queue = createStreamQueue();
  const handlers = [1, 2].map(() =>
    createCommandHandler({ decider: counter, store, streamId: (c: Command) => `counter-${c.counter}`, queue }),
  );
  const results = await Promise.all(
    Array.from({ length: 100 }, (_, i) => handlers[i % 2]!.handle(add(1, i % 5 === 0 ? 'other' : 'shared'), context())),
  );
  assert.ok(results.every(E.isRight));
  assert.is(seen.conflicts, 0);
  assert.is(queue.activeStreams, 0, 'the queue forgets settled streams');
});

test('a failing command does not block the commands queued behind it', async () => {
  const inner = createInMemoryEventStore<Event>();
  let fail = true;
  const store: EventStore<Event> = {
    ...inner,
    readStream: (s, o) => inner.readStream(s, o),
    readAll: (o) => inner.readAll(o),
    subscribeToAll: (o) => inner.subscribeToAll(o),
    appendToStream: async (s, events, o) => {
      if (fail) {
        fail = false;
        throw new Error('store down');
      }
      return inner.appendToStream(s, events, o);
    },
  };
  const handler = createCommandHandler({ decider: counter, store, streamId: (c: Command) => c.counter });
  const [first, second] = await Promise.allSettled([
    handler.handle(add(), context()),
    handler.handle(add(), context()),
  ]);
  assert.is(first.status, 'rejected');
  assert.ok(second.status === 'fulfilled' && E.isRight(second.value));
});

test('conflicts from another writer retry with the backoff: growing, jittered delays, then the budget ends it', async () => {
  const inner = createInMemoryEventStore<Event>();
  let rival = 0;
  // Another process writes before each of our appends.
  const store: EventStore<Event> = {
    ...inner,
    readStream: (s, o) => inner.readStream(s, o),
    readAll: (o) => inner.readAll(o),
    subscribeToAll: (o) => inner.subscribeToAll(o),
    appendToStream: async (s, events, o) => {
      rival += 1;
      await inner.appendToStream(s, [
        {
          event: { type: 'Added', amount: 0 },
          metadata: { eventId: `rival-${rival}`, correlationId: 'r', causationId: 'r', occurredAt: at },
        },
      ]);
      return inner.appendToStream(s, events, o);
    },
  };
  const waits: number[] = [];
  const policy = jitteredBackoff({ baseMs: 10, maxMs: 45 });
  const backoff: ConflictBackoff = {
    delayMs: policy.delayMs,
    wait: async (ms) => {
      waits.push(ms);
    },
  };
  const handler = createCommandHandler({
    decider: counter,
    store,
    streamId: (c: Command) => c.counter,
    maxRetries: 5,
    backoff,
  });
  const r = await handler.handle(add(), context('contended'));
  assert.ok(E.isLeft(r) && r.left._tag === 'ConcurrencyConflict' && r.left.attempts === 6);
  assert.is(waits.length, 5, 'one wait before each retry');
  const ceilings = [10, 20, 40, 45, 45];
  waits.forEach((ms, i) => assert.ok(ms >= 0 && ms < ceilings[i]!, `retry ${i + 1} waited ${ms} ms`));
  // Deterministic per command, different across commands.
  assert.equal(
    [1, 2, 3].map((n) => policy.delayMs(n, 'contended')),
    waits.slice(0, 3),
  );
  const spread = new Set(Array.from({ length: 50 }, (_, i) => policy.delayMs(3, `cmd-${i}`)));
  assert.ok(spread.size > 10, `distinct delays over 50 commands: ${spread.size}`);
});

test.run();
