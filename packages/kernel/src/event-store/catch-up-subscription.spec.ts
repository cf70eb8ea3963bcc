import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { type CatchUpSource, catchUpSubscription } from './catch-up-subscription';
import type { AnyEvent, ReadAllOptions } from './event-store';
import type { RecordedEvent } from './recorded-event';

const recorded = (position: number, tenantId?: string): RecordedEvent => ({
  streamId: 's',
  streamVersion: BigInt(position - 1),
  globalPosition: BigInt(position),
  event: { type: 'E' },
  metadata: {
    eventId: `e${position}`,
    correlationId: 'c',
    causationId: 'c',
    occurredAt: '2024-01-01T00:00:00.000Z',
    ...(tenantId === undefined ? {} : { tenantId }),
  },
});

/** A tiny in-spec log: reads in order after a position; `append` wakes the waiting subscription. */
const fakeSource = (initial: number) => {
  const log: RecordedEvent[] = Array.from({ length: initial }, (_, i) => recorded(i + 1));
  const reads: ReadAllOptions[] = [];
  let wake: (() => void) | undefined;
  let waits = 0;
  const source: CatchUpSource<AnyEvent> = {
    readAll: async (o) => {
      reads.push(o);
      return log
        .filter(
          (r) =>
            (o.after === undefined || r.globalPosition > o.after) &&
            (o.tenantId === undefined || r.metadata.tenantId === o.tenantId),
        )
        .slice(0, o.maxCount);
    },
    waitForAppend: (signal) =>
      new Promise<void>((resolve) => {
        waits += 1;
        wake = resolve;
        signal.addEventListener('abort', () => resolve(), { once: true });
      }),
  };
  return {
    source,
    reads,
    waits: () => waits,
    append: (r: RecordedEvent) => {
      log.push(r);
      wake?.();
    },
  };
};

/** Lets pending promise callbacks run. */
const settle = () => new Promise<void>((resolve) => setImmediate(resolve));

const until = async (check: () => boolean) => {
  for (let i = 0; i < 100 && !check(); i++) await settle();
  assert.ok(check(), 'condition not reached');
};

test('delivers the backlog in global order across batches, then resolves caughtUp', async () => {
  const fake = fakeSource(5);
  const seen: bigint[] = [];
  const sub = catchUpSubscription(fake.source, { batchSize: 2, onEvent: (r) => void seen.push(r.globalPosition) });
  await sub.caughtUp;
  assert.equal(seen, [1n, 2n, 3n, 4n, 5n]);
  assert.equal(
    fake.reads.map((r) => r.after),
    [undefined, 2n, 4n],
  );
  assert.ok(fake.reads.every((r) => r.maxCount === 2));
  await sub.stop();
});

test('caughtUp waits for the handler of the last backlog event; a full last batch needs one more read', async () => {
  const fake = fakeSource(4);
  const seen: bigint[] = [];
  const sub = catchUpSubscription(fake.source, {
    batchSize: 2,
    onEvent: async (r) => {
      await settle();
      seen.push(r.globalPosition);
    },
  });
  await sub.caughtUp;
  assert.equal(seen, [1n, 2n, 3n, 4n]);
  assert.equal(
    fake.reads.map((r) => r.after),
    [undefined, 2n, 4n],
  );
  await sub.stop();
});

test('starts after the checkpoint, then goes live: appended events are delivered after a wake-up', async () => {
  const fake = fakeSource(3);
  const seen: bigint[] = [];
  const sub = catchUpSubscription(fake.source, { after: 2n, onEvent: (r) => void seen.push(r.globalPosition) });
  await sub.caughtUp;
  assert.equal(seen, [3n]);
  await until(() => fake.waits() === 1);
  fake.append(recorded(4));
  fake.append(recorded(5));
  await until(() => seen.length === 3);
  assert.equal(seen, [3n, 4n, 5n]);
  await sub.stop();
});

test('passes the tenant filter to every read', async () => {
  const fake = fakeSource(0);
  fake.append(recorded(1, 'a'));
  fake.append(recorded(2, 'b'));
  const seen: bigint[] = [];
  const sub = catchUpSubscription(fake.source, { tenantId: 'b', onEvent: (r) => void seen.push(r.globalPosition) });
  await sub.caughtUp;
  assert.equal(seen, [2n]);
  assert.ok(fake.reads.every((r) => r.tenantId === 'b'));
  await sub.stop();
});

test('a handler error rejects done and stops delivery; caughtUp still settles', async () => {
  const fake = fakeSource(5);
  const seen: bigint[] = [];
  const failure = new Error('handler failed');
  const sub = catchUpSubscription(fake.source, {
    batchSize: 10,
    onEvent: (r) => {
      if (r.globalPosition === 3n) throw failure;
      seen.push(r.globalPosition);
    },
  });
  let thrown: unknown;
  await sub.done.catch((e: unknown) => (thrown = e));
  assert.is(thrown, failure);
  assert.equal(seen, [1n, 2n]);
  await sub.caughtUp; // does not hang
  await sub.stop(); // stopping a failed subscription resolves
});

test('a read error rejects done', async () => {
  const failure = new Error('store down');
  const sub = catchUpSubscription(
    { readAll: () => Promise.reject(failure), waitForAppend: () => Promise.resolve() },
    { onEvent: () => undefined },
  );
  let thrown: unknown;
  await sub.done.catch((e: unknown) => (thrown = e));
  assert.is(thrown, failure);
});

test('stop ends a live subscription: done resolves and later appends are not delivered', async () => {
  const fake = fakeSource(1);
  const seen: bigint[] = [];
  const sub = catchUpSubscription(fake.source, { onEvent: (r) => void seen.push(r.globalPosition) });
  await sub.caughtUp;
  await until(() => fake.waits() === 1);
  await sub.stop();
  await sub.done;
  fake.append(recorded(2));
  await settle();
  assert.equal(seen, [1n]);
});

test('stop during catch-up waits for the running handler and delivers nothing after it', async () => {
  const fake = fakeSource(5);
  const seen: bigint[] = [];
  let release: () => void = () => undefined;
  const sub = catchUpSubscription(fake.source, {
    onEvent: async (r) => {
      seen.push(r.globalPosition);
      if (r.globalPosition === 2n) await new Promise<void>((resolve) => (release = resolve));
    },
  });
  await until(() => seen.length === 2);
  let stopped = false;
  const stopping = sub.stop().then(() => (stopped = true));
  await settle();
  assert.not.ok(stopped, 'stop waits for the handler that is running');
  release();
  await stopping;
  assert.equal(seen, [1n, 2n]);
});

test.run();
