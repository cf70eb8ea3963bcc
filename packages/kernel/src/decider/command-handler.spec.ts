import { createInMemoryEventStore, createInMemorySnapshotStore } from '@ordo/adapter-memory';
import * as E from 'fp-ts/Either';
import * as t from 'io-ts';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import type { CommandContext } from './command-context';
import { createCommandHandler, metadataFor } from './command-handler';
import { accept, type Decider, reject } from './decider';
import { domainError, InvalidInputError } from '../model/errors';
import type { EventStore, ReadStreamOptions } from '../event-store/event-store';
import { defineMessages, type MessageOf } from '../model/messages';
import { everyNEvents } from '../snapshots/snapshot-policy';
import { type Snapshot, type SnapshotStore } from '../snapshots/snapshot-store';
import { createLruStateCache } from './state-cache';

// A wallet with JSON-safe amounts (stores and snapshot stores keep JSON).
const WalletCommands = defineMessages(
  {
    Credit: { walletId: t.string, amount: t.number },
    Debit: { walletId: t.string, amount: t.number },
    Touch: { walletId: t.string },
  },
  'WalletCommand',
);
type WalletCommand = MessageOf<typeof WalletCommands>;
const WalletEvents = defineMessages({ Credited: { amount: t.number }, Debited: { amount: t.number } }, 'WalletEvent');
type WalletEvent = MessageOf<typeof WalletEvents>;
interface WalletState {
  readonly balance: number;
  readonly events: number;
}

let decisions = 0;
const wallet: Decider<WalletCommand, WalletEvent, WalletState> = {
  initialState: { balance: 0, events: 0 },
  decide: (command, state) => {
    decisions += 1;
    switch (command.type) {
      case 'Credit':
        return command.amount > 0
          ? accept({ type: 'Credited', amount: command.amount })
          : reject(domainError('invalid_amount', 'amounts are positive'));
      case 'Debit':
        return command.amount <= state.balance
          ? accept({ type: 'Debited', amount: command.amount })
          : reject(domainError('insufficient_funds', 'not enough money', { balance: state.balance }));
      case 'Touch':
        return accept(); // a no-op
    }
  },
  evolve: (state, event) => ({
    balance: state.balance + (event.type === 'Credited' ? event.amount : -event.amount),
    events: state.events + 1,
  }),
};

const streamId = (c: WalletCommand) => `wallet-${c.walletId}`;
let ids = 0;
const ctx = (commandId = `cmd-${++ids}`): CommandContext => ({ commandId, occurredAt: '2024-06-01T12:00:00.000Z' });

/** Wraps a store to record the options of every readStream call. */
const spyReads = (store: EventStore<WalletEvent>) => {
  const reads: Array<ReadStreamOptions | undefined> = [];
  const spied: EventStore<WalletEvent> = {
    ...store,
    appendToStream: (s, e, o) => store.appendToStream(s, e, o),
    readAll: (o) => store.readAll(o),
    subscribeToAll: (o) => store.subscribeToAll(o),
    readStream: (s, o) => {
      reads.push(o);
      return store.readStream(s, o);
    },
  };
  return { store: spied, reads };
};

const newStore = () => createInMemoryEventStore<WalletEvent>();

test('a valid command is decided and appended with its metadata', async () => {
  const store = newStore();
  const handler = createCommandHandler({ decider: wallet, store, streamId, commandCodec: WalletCommands.codec });
  const r = await handler.handle(
    { type: 'Credit', walletId: 'a', amount: 5 },
    { ...ctx('c-1'), correlationId: 'corr', tenantId: 't1', headers: { h: 'v' } },
  );
  assert.equal(
    r,
    E.right({
      streamId: 'wallet-a',
      events: [{ type: 'Credited', amount: 5 }],
      version: 0n,
      position: 1n,
      state: { balance: 5, events: 1 },
      duplicate: false,
    }),
  );
  const [stored] = await store.readStream('wallet-a');
  assert.equal(stored?.metadata, {
    eventId: 'c-1:0',
    commandId: 'c-1',
    correlationId: 'corr',
    causationId: 'c-1',
    occurredAt: '2024-06-01T12:00:00.000Z',
    tenantId: 't1',
    headers: { h: 'v' },
  });
});

test('a command that does not decode answers a ValidationError naming the field; nothing is appended', async () => {
  const store = newStore();
  const handler = createCommandHandler({ decider: wallet, store, streamId, commandCodec: WalletCommands.codec });
  const r = await handler.handleUntrusted({ type: 'Credit', walletId: 'a', amount: 'five' }, ctx());
  assert.ok(E.isLeft(r));
  if (E.isLeft(r)) {
    assert.is(r.left._tag, 'ValidationError');
    if (r.left._tag === 'ValidationError') {
      assert.equal(r.left.issues, [{ path: 'amount', expected: 'number', actual: 'five' }]);
      assert.ok(r.left.message.startsWith('invalid command'), r.left.message);
    }
  }
  const unknown = await handler.handleUntrusted({ type: 'Steal', walletId: 'a' }, ctx());
  assert.ok(E.isLeft(unknown) && unknown.left._tag === 'ValidationError' && unknown.left.issues[0]?.path === 'type');
  assert.equal(await store.readAll(), []);
});

test('a rejected command answers the DomainError; nothing is appended', async () => {
  const store = newStore();
  const handler = createCommandHandler({ decider: wallet, store, streamId });
  const r = await handler.handle({ type: 'Debit', walletId: 'a', amount: 1 }, ctx());
  assert.equal(r, E.left(domainError('insufficient_funds', 'not enough money', { balance: 0 })));
  assert.equal(await store.readAll(), []);
});

test('a decision without events succeeds without appending', async () => {
  const store = newStore();
  const handler = createCommandHandler({ decider: wallet, store, streamId });
  const r = await handler.handle({ type: 'Touch', walletId: 'a' }, ctx());
  assert.equal(
    r,
    E.right({ streamId: 'wallet-a', events: [], version: 'no_stream', state: wallet.initialState, duplicate: false }),
  );
  assert.equal(await store.readAll(), []);
});

test('the same command id twice appends once; the second answer is a duplicate with the current state', async () => {
  const store = newStore();
  const handler = createCommandHandler({ decider: wallet, store, streamId });
  const first = await handler.handle({ type: 'Credit', walletId: 'a', amount: 5 }, ctx('same'));
  const second = await handler.handle({ type: 'Credit', walletId: 'a', amount: 5 }, ctx('same'));
  assert.ok(E.isRight(first) && !first.right.duplicate);
  assert.equal(
    second,
    E.right({ streamId: 'wallet-a', events: [], version: 0n, state: { balance: 5, events: 1 }, duplicate: true }),
  );
  assert.is((await store.readStream('wallet-a')).length, 1);
});

test('the same command id twice with a warm cache is still appended once', async () => {
  const store = newStore();
  const handler = createCommandHandler({ decider: wallet, store, streamId, cache: createLruStateCache<WalletState>() });
  await handler.handle({ type: 'Credit', walletId: 'a', amount: 5 }, ctx('same'));
  await handler.handle({ type: 'Credit', walletId: 'a', amount: 1 }, ctx());
  // The cached state is past the first command's events: the store's duplicate id check catches it.
  const again = await handler.handle({ type: 'Credit', walletId: 'a', amount: 5 }, ctx('same'));
  assert.ok(E.isRight(again));
  if (E.isRight(again)) {
    assert.is(again.right.duplicate, true);
    assert.equal(again.right.events, []);
    assert.equal(again.right.state, { balance: 6, events: 2 });
  }
  assert.is((await store.readStream('wallet-a')).length, 2);
});

test('a repeated command that its own rule now refuses is a duplicate, with a warm cache or a snapshot too', async () => {
  // Debit 10 of 10, then the same command id again: decided on the cached balance of 0 it is
  // refused (insufficient_funds) before any append could meet its event ids. A retry after a crash
  // between the append and its acknowledgement must still be answered as what it is, a duplicate.
  const { store, reads } = spyReads(newStore());
  const snapshots = createInMemorySnapshotStore();
  const handlers = [
    createCommandHandler({ decider: wallet, store, streamId, cache: createLruStateCache<WalletState>() }),
    createCommandHandler({
      decider: wallet,
      store,
      streamId,
      snapshots: { store: snapshots, deciderVersion: 'v1', policy: everyNEvents(1) },
    }),
  ];
  for (const [i, handler] of handlers.entries()) {
    const wallet_ = `w${i}`;
    await handler.handle({ type: 'Credit', walletId: wallet_, amount: 10 }, ctx());
    const first = await handler.handle({ type: 'Debit', walletId: wallet_, amount: 10 }, ctx(`debit-${i}`));
    assert.ok(E.isRight(first) && !first.right.duplicate);
    const again = await handler.handle({ type: 'Debit', walletId: wallet_, amount: 10 }, ctx(`debit-${i}`));
    assert.ok(E.isRight(again), `handler ${i}: a duplicate, not insufficient_funds`);
    if (E.isRight(again)) {
      assert.is(again.right.duplicate, true);
      assert.equal(again.right.state, { balance: 0, events: 2 });
    }
    // A refusal of a new command stays a refusal; it reads the whole stream once to be sure.
    const before = reads.length;
    const refused = await handler.handle({ type: 'Debit', walletId: wallet_, amount: 1 }, ctx());
    assert.equal(refused, E.left(domainError('insufficient_funds', 'not enough money', { balance: 0 })));
    assert.ok(
      reads.slice(before).some((o) => o === undefined || o.fromVersion === undefined),
      'a whole-stream read',
    );
    assert.is((await store.readStream(`wallet-${wallet_}`)).length, 2);
  }
});

/** A store whose next `n` appends are each preceded by a competing append to the same stream. */
const contended = (n: number) => {
  const inner = newStore();
  let remaining = n;
  let competitor = 0;
  const store: EventStore<WalletEvent> = {
    ...inner,
    readStream: (s, o) => inner.readStream(s, o),
    readAll: (o) => inner.readAll(o),
    subscribeToAll: (o) => inner.subscribeToAll(o),
    appendToStream: async (s, events, o) => {
      if (remaining > 0) {
        remaining -= 1;
        competitor += 1;
        await inner.appendToStream(s, [
          {
            event: { type: 'Debited', amount: 1 },
            metadata: metadataFor(ctx(`rival-${competitor}`), `rival-${competitor}`),
          },
        ]);
      }
      return inner.appendToStream(s, events, o);
    },
  };
  return { inner, store };
};

test('a version conflict is retried on the newer state and then succeeds', async () => {
  const { inner, store } = contended(1);
  await inner.appendToStream('wallet-a', [
    { event: { type: 'Credited', amount: 10 }, metadata: metadataFor(ctx('seed'), 'seed:0') },
  ]);
  const handler = createCommandHandler({ decider: wallet, store, streamId });
  const before = decisions;
  const r = await handler.handle({ type: 'Debit', walletId: 'a', amount: 4 }, ctx());
  assert.is(decisions - before, 2, 'decided again after the conflict');
  assert.ok(E.isRight(r));
  if (E.isRight(r)) {
    assert.equal(r.right.state, { balance: 5, events: 3 }, 'the rival debit of 1 is folded in');
    assert.is(r.right.version, 2n);
    assert.is(r.right.duplicate, false);
  }
  assert.equal(
    (await inner.readStream('wallet-a')).map((e) => e.event),
    [
      { type: 'Credited', amount: 10 },
      { type: 'Debited', amount: 1 },
      { type: 'Debited', amount: 4 },
    ],
  );
});

test('after a conflict the command is decided on the newer state, which may reject it', async () => {
  const { inner, store } = contended(1);
  await inner.appendToStream('wallet-a', [
    { event: { type: 'Credited', amount: 4 }, metadata: metadataFor(ctx('seed'), 'seed:0') },
  ]);
  const handler = createCommandHandler({ decider: wallet, store, streamId });
  const r = await handler.handle({ type: 'Debit', walletId: 'a', amount: 4 }, ctx());
  assert.equal(r, E.left(domainError('insufficient_funds', 'not enough money', { balance: 3 })));
});

test('conflicts on every attempt exhaust the retries: ConcurrencyConflict, nothing of ours appended', async () => {
  const { inner, store } = contended(100);
  const handler = createCommandHandler({ decider: wallet, store, streamId, maxRetries: 2 });
  const r = await handler.handle({ type: 'Credit', walletId: 'a', amount: 4 }, ctx('ours'));
  assert.ok(E.isLeft(r));
  if (E.isLeft(r)) {
    assert.is(r.left._tag, 'ConcurrencyConflict');
    if (r.left._tag === 'ConcurrencyConflict') {
      assert.is(r.left.attempts, 3);
      assert.is(r.left.streamId, 'wallet-a');
      assert.match(r.left.message, /gave up after 3 attempts/);
    }
  }
  const stored = await inner.readStream('wallet-a');
  assert.is(stored.length, 3, 'only the three rival events');
  assert.ok(stored.every((e) => e.metadata.commandId !== 'ours'));
});

test('expectedVersion: decided and appended when the stream is at that version; refused at once otherwise', async () => {
  const store = newStore();
  const handler = createCommandHandler({ decider: wallet, store, streamId });
  await handler.handle({ type: 'Credit', walletId: 'a', amount: 10 }, ctx());
  const ok = await handler.handle({ type: 'Debit', walletId: 'a', amount: 1 }, { ...ctx(), expectedVersion: 0n });
  assert.ok(E.isRight(ok) && ok.right.version === 1n);
  const before = decisions;
  const stale = await handler.handle({ type: 'Debit', walletId: 'a', amount: 1 }, { ...ctx(), expectedVersion: 0n });
  assert.is(decisions, before, 'not decided');
  assert.ok(E.isLeft(stale) && stale.left._tag === 'ConcurrencyConflict');
  if (E.isLeft(stale) && stale.left._tag === 'ConcurrencyConflict') {
    assert.is(stale.left.expectedVersion, 0n);
    assert.is(stale.left.actualVersion, 1n);
    assert.is(stale.left.attempts, 1);
  }
  const none = await handler.handle({ type: 'Credit', walletId: 'new', amount: 1 }, { ...ctx(), expectedVersion: 0n });
  assert.ok(E.isLeft(none) && none.left._tag === 'ConcurrencyConflict' && none.left.actualVersion === 'no_stream');
  assert.is((await store.readStream('wallet-a')).length, 2, 'nothing appended by the refused commands');
  assert.is((await store.readStream('wallet-new')).length, 0);
});

test('expectedVersion: a write landing between load and append is a conflict, not a retry on the newer state', async () => {
  const { inner, store } = contended(1);
  await inner.appendToStream('wallet-a', [
    { event: { type: 'Credited', amount: 10 }, metadata: metadataFor(ctx('seed'), 'seed:0') },
  ]);
  const handler = createCommandHandler({ decider: wallet, store, streamId });
  const before = decisions;
  const r = await handler.handle({ type: 'Debit', walletId: 'a', amount: 4 }, { ...ctx('ours'), expectedVersion: 0n });
  assert.is(decisions - before, 1, 'decided once, on version 0');
  assert.ok(E.isLeft(r) && r.left._tag === 'ConcurrencyConflict');
  if (E.isLeft(r) && r.left._tag === 'ConcurrencyConflict') {
    assert.is(r.left.expectedVersion, 0n);
    assert.is(r.left.actualVersion, 1n, 'the rival debit');
  }
  assert.ok((await inner.readStream('wallet-a')).every((e) => e.metadata.commandId !== 'ours'));
});

test('expectedVersion: a command id already handled is a duplicate, whatever version it names', async () => {
  const store = newStore();
  const handler = createCommandHandler({ decider: wallet, store, streamId });
  const first = await handler.handle(
    { type: 'Credit', walletId: 'a', amount: 3 },
    { ...ctx('once'), expectedVersion: undefined },
  );
  assert.ok(E.isRight(first));
  await handler.handle({ type: 'Credit', walletId: 'a', amount: 1 }, ctx());
  const again = await handler.handle(
    { type: 'Credit', walletId: 'a', amount: 3 },
    { ...ctx('once'), expectedVersion: 0n },
  );
  assert.ok(E.isRight(again) && again.right.duplicate, 'a duplicate, not a conflict');
  const bad = await handler.handle(
    { type: 'Credit', walletId: 'a', amount: 3 },
    {
      ...ctx(),
      expectedVersion: -1n,
    },
  );
  assert.ok(E.isLeft(bad) && bad.left._tag === 'ValidationError' && bad.left.issues[0]?.path === 'expectedVersion');
  const notBigint = await handler.handle(
    { type: 'Credit', walletId: 'a', amount: 3 },
    {
      ...ctx(),
      expectedVersion: 1 as unknown as bigint,
    },
  );
  assert.ok(E.isLeft(notBigint) && notBigint.left._tag === 'ValidationError');
});

test('snapshots: taken by the policy, used on load (only later events are read)', async () => {
  const { store, reads } = spyReads(newStore());
  const snapshots = createInMemorySnapshotStore();
  const settings = { store: snapshots, deciderVersion: 'v1', policy: everyNEvents(2) };
  const handler = createCommandHandler({ decider: wallet, store, streamId, snapshots: settings });
  for (const amount of [1, 2, 3]) await handler.handle({ type: 'Credit', walletId: 'a', amount }, ctx());
  const saved = await snapshots.load('wallet-a', 'v1');
  assert.equal(saved, { streamId: 'wallet-a', version: 1n, deciderVersion: 'v1', state: { balance: 3, events: 2 } });

  reads.length = 0;
  const loaded = await handler.load('wallet-a');
  assert.equal(loaded, { state: { balance: 6, events: 3 }, version: 2n });
  assert.equal(reads, [{ fromVersion: 2n }], 'only the events after the snapshot are read');
});

test('snapshots: a snapshot of another decider version is ignored, even from a careless snapshot store', async () => {
  const { store, reads } = spyReads(newStore());
  const handler = createCommandHandler({ decider: wallet, store, streamId });
  await handler.handle({ type: 'Credit', walletId: 'a', amount: 7 }, ctx());

  // A store that answers whatever it holds, whatever version is asked for.
  const stale: Snapshot = { streamId: 'wallet-a', version: 0n, deciderVersion: 'v0', state: { bogus: true } };
  const careless: SnapshotStore = { load: async () => stale, save: async () => undefined };
  const withStale = createCommandHandler({
    decider: wallet,
    store,
    streamId,
    snapshots: { store: careless, deciderVersion: 'v1', policy: everyNEvents(1) },
  });
  reads.length = 0;
  assert.equal(await withStale.load('wallet-a'), { state: { balance: 7, events: 1 }, version: 0n });
  assert.equal(reads, [{}], 'the whole stream is read');

  // And a well-behaved store keyed by decider version simply has none for v1.
  const proper = createInMemorySnapshotStore();
  await proper.save({ ...stale, state: { balance: 999, events: 1 } });
  const versioned = createCommandHandler({
    decider: wallet,
    store,
    streamId,
    snapshots: { store: proper, deciderVersion: 'v1', policy: everyNEvents(1) },
  });
  assert.equal((await versioned.load('wallet-a')).state, { balance: 7, events: 1 });
});

test('snapshots: a state that does not decode with the snapshot codec is ignored', async () => {
  const store = newStore();
  const snapshots = createInMemorySnapshotStore();
  const codec = t.type({ balance: t.number, events: t.number });
  const handler = createCommandHandler({
    decider: wallet,
    store,
    streamId,
    snapshots: { store: snapshots, deciderVersion: 'v1', policy: everyNEvents(1), codec },
  });
  await handler.handle({ type: 'Credit', walletId: 'a', amount: 2 }, ctx());
  await snapshots.save({ streamId: 'wallet-a', version: 0n, deciderVersion: 'v1', state: { balance: 'lots' } });
  assert.equal((await handler.load('wallet-a')).state, { balance: 2, events: 1 });
});

test('snapshots: a snapshot ahead of the stream (stream deleted and started again) is dropped, not trusted', async () => {
  // The stream holds 2 events, but a snapshot from an earlier life of the stream says version 5.
  const store = newStore();
  const snapshots = createInMemorySnapshotStore();
  await snapshots.save({ streamId: 'wallet-a', version: 5n, deciderVersion: 'v1', state: { balance: 100, events: 6 } });
  const handler = createCommandHandler({
    decider: wallet,
    store,
    streamId,
    snapshots: { store: snapshots, deciderVersion: 'v1', policy: everyNEvents(1000) },
  });
  await store.appendToStream('wallet-a', [
    { event: { type: 'Credited', amount: 3 }, metadata: metadataFor(ctx(), 'e-1') },
    { event: { type: 'Credited', amount: 4 }, metadata: metadataFor(ctx(), 'e-2') },
  ]);
  // With the snapshot's balance of 100 this debit would pass; the stream's real balance is 7.
  const refused = await handler.handle({ type: 'Debit', walletId: 'a', amount: 50 }, ctx());
  assert.ok(E.isLeft(refused) && refused.left._tag === 'DomainError' && refused.left.code === 'insufficient_funds');
  const result = await handler.handle({ type: 'Debit', walletId: 'a', amount: 5 }, ctx());
  if (E.isLeft(result)) throw new Error(`unexpected ${result.left._tag}`);
  assert.equal(result.right.version, 2n);
  assert.equal(result.right.state, { balance: 2, events: 3 });
});

test('snapshots: a failing save does not fail the command; onError hears about it', async () => {
  const store = newStore();
  const errors: unknown[] = [];
  const failing: SnapshotStore = {
    load: async () => undefined,
    save: async () => {
      throw new Error('disk full');
    },
  };
  const handler = createCommandHandler({
    decider: wallet,
    store,
    streamId,
    snapshots: { store: failing, deciderVersion: 'v1', policy: everyNEvents(1), onError: (e) => errors.push(e) },
  });
  const r = await handler.handle({ type: 'Credit', walletId: 'a', amount: 2 }, ctx());
  assert.ok(E.isRight(r));
  assert.is(errors.length, 1);
});

test('cache: a warm cache reads only the events after the cached version, and catches up on others', async () => {
  const { store, reads } = spyReads(newStore());
  const cache = createLruStateCache<WalletState>();
  const handler = createCommandHandler({ decider: wallet, store, streamId, cache });
  await handler.handle({ type: 'Credit', walletId: 'a', amount: 5 }, ctx());
  assert.equal(cache.get('wallet-a'), { state: { balance: 5, events: 1 }, version: 0n });
  reads.length = 0;
  await handler.handle({ type: 'Credit', walletId: 'a', amount: 1 }, ctx());
  assert.equal(reads, [{ fromVersion: 1n }]);

  // Another writer appends behind the cache's back: the next command still sees it.
  await store.appendToStream('wallet-a', [
    { event: { type: 'Debited', amount: 6 }, metadata: metadataFor(ctx('other'), 'other:0') },
  ]);
  const r = await handler.handle({ type: 'Debit', walletId: 'a', amount: 1 }, ctx());
  assert.equal(r, E.left(domainError('insufficient_funds', 'not enough money', { balance: 0 })));
});

test('an event that does not decode on load throws InvalidInputError corrupt_event naming where it is', async () => {
  const store = newStore();
  const corrupt: { readonly type: string; readonly amount: unknown } = { type: 'Credited', amount: 'lots' };
  await (store as unknown as EventStore).appendToStream('wallet-a', [
    { event: corrupt, metadata: metadataFor(ctx('bad'), 'bad:0') },
  ]);
  const handler = createCommandHandler({ decider: wallet, store, streamId, eventCodec: WalletEvents.codec });
  let thrown: unknown;
  await handler.handle({ type: 'Credit', walletId: 'a', amount: 1 }, ctx()).catch((e: unknown) => (thrown = e));
  assert.instance(thrown, InvalidInputError);
  const error = thrown as InvalidInputError;
  assert.is(error.code, 'corrupt_event');
  assert.ok(error.message.includes('wallet-a@0'), error.message);
  assert.equal(error.issues, [{ path: 'amount', expected: 'number', actual: 'lots' }]);
  assert.is((await store.readStream('wallet-a')).length, 1, 'nothing appended');
});

test('an unexpected store failure rejects', async () => {
  const inner = newStore();
  const failure = new Error('connection lost');
  const store: EventStore<WalletEvent> = { ...inner, readStream: () => Promise.reject(failure) };
  const handler = createCommandHandler({ decider: wallet, store, streamId });
  let thrown: unknown;
  await handler.handle({ type: 'Credit', walletId: 'a', amount: 1 }, ctx()).catch((e: unknown) => (thrown = e));
  assert.is(thrown, failure);
});

test.run();
