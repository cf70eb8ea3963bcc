import type { IncomingMessage, MessageConsumer } from '../../../messaging/message-consumer';
import type { OutgoingMessage } from '../../../messaging/outgoing-message';
import { check, equal, equalDeep, fail, show } from '../shared/assert';
import { DEFAULT_TIMEOUT_MS, eventually, sleep } from '../shared/timing';
import { uniqueName } from '../shared/unique';
import type {
  MessageConsumerConformanceCase,
  MessageConsumerConformanceFactory,
  MessageConsumerConformanceSetup,
} from './types';

type Handle = (message: IncomingMessage) => Promise<void>;

/** What a case works with. */
interface ConsumerContext extends MessageConsumerConformanceSetup {
  readonly timeoutMs: number;
  readonly quietMs: number;
  /** A topic name unique to this case and run. */
  readonly topic: (label: string) => string;
  /** A group name unique to this case and run. */
  readonly group: (label: string) => string;
  /** Subscribes, and stops the subscription when the case ends. */
  readonly subscribe: (options: Parameters<MessageConsumer['subscribe']>[0]) => Promise<{ stop(): Promise<void> }>;
  /** Messages on `topic`, keyed and numbered so that each id is unique to the case. */
  readonly messages: (topic: string, keys: ReadonlyArray<string>, perKey: number) => OutgoingMessage[];
}

const c = (name: string, body: (ctx: ConsumerContext) => Promise<void>): MessageConsumerConformanceCase => ({
  name,
  run: async (factory: MessageConsumerConformanceFactory) => {
    const setup = await factory.create();
    const prefix = uniqueName('mc');
    const running: Array<{ stop(): Promise<void> }> = [];
    let topics = 0;
    try {
      await body({
        ...setup,
        timeoutMs: factory.timeoutMs ?? DEFAULT_TIMEOUT_MS,
        quietMs: factory.quietMs ?? 200,
        topic: (label) => `${prefix}-${label}-${++topics}`,
        group: (label) => `${prefix}-${label}`,
        subscribe: async (options) => {
          const subscription = await setup.consumer.subscribe(options);
          running.push(subscription);
          return subscription;
        },
        messages: (topic, keys, perKey) =>
          Array.from({ length: perKey }, (_, n) =>
            keys.map((key): OutgoingMessage => ({
              id: `${topic}:${key}:${n}`,
              topic,
              key: `${prefix}-${key}`,
              type: 'ConformanceHappened',
              payload: { type: 'ConformanceHappened', key, n, text: 'é 😀' },
              headers: { 'ordo-conformance-key': key, 'ordo-conformance-n': String(n) },
            })),
          ).flat(),
      });
    } finally {
      for (const subscription of running) await subscription.stop();
      await factory.dispose?.(setup);
    }
  },
});

/** A handler that records every delivery. */
const recorder = (onMessage?: Handle) => {
  const deliveries: IncomingMessage[] = [];
  const handle: Handle = async (message) => {
    deliveries.push(message);
    await onMessage?.(message);
  };
  const ids = () => new Set(deliveries.map((m) => m.id));
  return { deliveries, handle, ids };
};

/** Waits until every message of `expected` was delivered at least once. */
const untilDelivered = (
  ctx: ConsumerContext,
  delivered: () => ReadonlySet<string>,
  expected: ReadonlyArray<OutgoingMessage>,
  what: string,
) =>
  eventually(
    () => expected.every((m) => delivered().has(m.id)),
    ctx.timeoutMs,
    `${what}: ${expected.filter((m) => !delivered().has(m.id)).length} of ${expected.length} not delivered`,
  );

/** First deliveries only: a redelivery (at-least-once) is the inbox's business, not the order's. */
const firstDeliveries = (deliveries: ReadonlyArray<IncomingMessage>) => {
  const seen = new Set<string>();
  return deliveries.filter((m) => (seen.has(m.id) ? false : (seen.add(m.id), true)));
};

/** Asserts per-key order of first deliveries (or of `successes`) against publish order. */
const expectKeyOrder = (
  got: ReadonlyArray<{ id: string; key: string }>,
  published: ReadonlyArray<OutgoingMessage>,
  what: string,
) => {
  for (const key of new Set(published.map((m) => m.key))) {
    equalDeep(
      got.filter((m) => m.key === key).map((m) => m.id),
      published.filter((m) => m.key === key).map((m) => m.id),
      `${what}: order of key ${key}`,
    );
  }
};

/**
 * What the `MessageConsumer` port promises (with a `Publisher` on the same transport): each
 * group receives every message of its topics at least once, as published, each key in publish
 * order; a handler that throws gets the message again; a stopped member receives nothing more,
 * and the group's next member gets what it left. Duplicates are allowed (delivery is
 * at-least-once; removing them is the inbox's job), so the cases count first deliveries.
 */
export const messageConsumerConformanceCases: ReadonlyArray<MessageConsumerConformanceCase> = [
  c('message consumer: a group receives every message of its topics, as published, and none of others', async (ctx) => {
    const [t1, t2, other] = [ctx.topic('orders'), ctx.topic('payments'), ctx.topic('elsewhere')];
    await ctx.prepareTopics?.([t1, t2, other]);
    const rec = recorder();
    await ctx.subscribe({ topics: [t1, t2], group: ctx.group('g'), handle: rec.handle });
    const wanted = [...ctx.messages(t1, ['a', 'b'], 2), ...ctx.messages(t2, ['c'], 2)];
    await ctx.publisher.publish([...wanted, ...ctx.messages(other, ['z'], 2)]);
    await untilDelivered(ctx, rec.ids, wanted, 'messages of the subscribed topics');
    await sleep(ctx.quietMs);
    for (const m of wanted) {
      const got = rec.deliveries.find((d) => d.id === m.id)!;
      equal(got.topic, m.topic, `${m.id}: topic`);
      equal(got.key, m.key, `${m.id}: key`);
      equal(got.type, m.type, `${m.id}: type`);
      equalDeep(got.payload, m.payload, `${m.id}: payload`);
      for (const [name, value] of Object.entries(m.headers)) equal(got.headers[name], value, `${m.id}: header ${name}`);
      check(
        got.attempt === undefined || got.attempt === 1,
        `${m.id}: attempt of the first delivery is ${show(got.attempt)}`,
      );
    }
    const strays = rec.deliveries.filter((d) => d.topic === other);
    equalDeep(
      strays.map((d) => d.id),
      [],
      'messages of a topic the group did not subscribe to',
    );
  }),

  c('message consumer: each key arrives in publish order', async (ctx) => {
    const t = ctx.topic('ordered');
    await ctx.prepareTopics?.([t]);
    const rec = recorder();
    await ctx.subscribe({ topics: [t], group: ctx.group('g'), handle: rec.handle });
    const published = ctx.messages(t, ['k1', 'k2', 'k3'], 6);
    await ctx.publisher.publish(published.slice(0, 9));
    await ctx.publisher.publish(published.slice(9));
    await untilDelivered(ctx, rec.ids, published, 'every message');
    expectKeyOrder(firstDeliveries(rec.deliveries), published, 'first deliveries');
  }),

  c('message consumer: two groups each receive every message', async (ctx) => {
    const t = ctx.topic('shared');
    await ctx.prepareTopics?.([t]);
    const first = recorder();
    const second = recorder();
    await ctx.subscribe({ topics: [t], group: ctx.group('first'), handle: first.handle });
    await ctx.subscribe({ topics: [t], group: ctx.group('second'), handle: second.handle });
    const published = ctx.messages(t, ['a', 'b'], 3);
    await ctx.publisher.publish(published);
    await untilDelivered(ctx, first.ids, published, 'the first group');
    await untilDelivered(ctx, second.ids, published, 'the second group');
  }),

  c('message consumer: a handler that throws gets the message again, and the key waits for it', async (ctx) => {
    const t = ctx.topic('flaky');
    await ctx.prepareTopics?.([t]);
    const published = ctx.messages(t, ['k'], 3);
    const flaky = published[1]!.id;
    let failures = 0;
    const successes: IncomingMessage[] = [];
    const rec = recorder(async (m) => {
      if (m.id === flaky && failures < 2) {
        failures += 1;
        throw new Error(`handler failure ${failures} on purpose`);
      }
      successes.push(m);
    });
    await ctx.subscribe({ topics: [t], group: ctx.group('g'), handle: rec.handle });
    await ctx.publisher.publish(published);
    await eventually(
      () => published.every((m) => successes.some((s) => s.id === m.id)),
      ctx.timeoutMs,
      `every message handled successfully (failures so far: ${failures})`,
    );
    equal(failures, 2, 'failures of the flaky message');
    const attempts = rec.deliveries.filter((d) => d.id === flaky).map((d) => d.attempt);
    check(attempts.length >= 3, `deliveries of the failing message: ${show(attempts)}`);
    if (attempts.every((a) => a !== undefined)) {
      check(
        attempts.slice(0, 3).every((a, i) => a === i + 1),
        `attempts of the failing message must count up from 1: ${show(attempts)}`,
      );
    }
    expectKeyOrder(firstDeliveries(successes), published, 'successful handlings');
  }),

  c('message consumer: a stopped member receives nothing more; the group’s next member gets the rest', async (ctx) => {
    const t = ctx.topic('handover');
    await ctx.prepareTopics?.([t]);
    const group = ctx.group('g');
    const published = ctx.messages(t, ['k'], 4);
    const first = recorder();
    const subscription = await ctx.subscribe({ topics: [t], group, handle: first.handle });
    await ctx.publisher.publish(published.slice(0, 2));
    await untilDelivered(ctx, first.ids, published.slice(0, 2), 'messages before stop()');
    await subscription.stop();
    const before = first.deliveries.length;
    await ctx.publisher.publish(published.slice(2));
    await sleep(ctx.quietMs);
    equal(first.deliveries.length, before, 'deliveries to the stopped member');
    const next = recorder();
    await ctx.subscribe({ topics: [t], group, handle: next.handle });
    await untilDelivered(ctx, next.ids, published.slice(2), 'the messages published while the group had no member');
    if (first.deliveries.length !== before) fail('the stopped member received messages after the next one joined');
  }),
];
