import {
  type IncomingMessage,
  InvalidInputError,
  type MessageConsumer,
  type OutgoingMessage,
  type Publisher,
} from '@ordo/kernel';
import { findNonJsonValue } from '@ordo/kernel/adapter-kit';
import { frozenCopy } from '../shared';
import { type SeededRandom, createSeededRandom } from '../runtime';
import { PendingQueue } from './pending-queue';

/** Options of {@link createInMemoryMessageBus}. */
export interface InMemoryMessageBusOptions {
  /**
   * Seed of the simulation features (`reorder`, `duplicateRate`); defaults to 1. The same seed
   * and the same (deterministic) handlers give the same delivery sequence.
   */
  readonly seed?: number;
  /** Deliver in a seeded random order across keys instead of publish order. */
  readonly reorder?: boolean;
  /**
   * With `reorder`, also shuffle the messages of one key (off: one key keeps its order); a function
   * shuffles only the topics it answers true for (the others keep per-key order, as Kafka does).
   */
  readonly reorderWithinKey?: boolean | ((topic: string) => boolean);
  /** Probability (0..1) that a successfully handled message is delivered a second time. */
  readonly duplicateRate?: number;
  /** Deliveries of a failing message before it goes to the dead letters; defaults to 5. */
  readonly maxAttempts?: number;
  /** Called when a message is dead-lettered. */
  readonly onDeadLetter?: (deadLetter: DeadLetter) => void;
}

/** One delivery, as recorded for tests. */
export interface Delivery {
  readonly group: string;
  readonly topic: string;
  readonly id: string;
  readonly key: string;
  readonly attempt: number;
  /** True for a delivery the bus added on purpose (`duplicateRate`). */
  readonly duplicate: boolean;
}

/** A message whose handler kept failing. */
export interface DeadLetter {
  readonly group: string;
  readonly message: OutgoingMessage;
  readonly attempts: number;
  readonly error: unknown;
}

/** An in-memory broker: {@link Publisher} and {@link MessageConsumer}, plus helpers for tests. */
export interface InMemoryMessageBus extends Publisher, MessageConsumer {
  /** Resolves once every group with a member has handled everything queued for it. */
  idle(): Promise<void>;
  /** Every delivery so far, in order. */
  deliveries(): ReadonlyArray<Delivery>;
  /** Messages published to a topic, in publish order. */
  messages(topic: string): ReadonlyArray<OutgoingMessage>;
  deadLetters(): ReadonlyArray<DeadLetter>;
}

interface Pending {
  readonly message: OutgoingMessage;
  readonly attempt: number;
  readonly duplicate: boolean;
}

interface Member {
  readonly handle: (message: IncomingMessage) => Promise<void>;
  /** Settles when the delivery in progress (if any) is over. */
  current: Promise<void> | undefined;
}

interface Group {
  readonly name: string;
  readonly topics: Set<string>;
  readonly queue: PendingQueue<Pending>;
  readonly members: Member[];
  readonly random: SeededRandom | undefined;
  running: boolean;
}

/** FNV-1a: a stable string hash to spread keys over a group's members and seeds over groups. */
const hash = (s: string): number => {
  let h = 0x811c9dc5;
  for (let i = 0; i < s.length; i++) {
    h ^= s.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  return h >>> 0;
};

const invalid = (code: string, path: string, expected: string, actual: unknown): never => {
  throw new InvalidInputError(code, `${path} must be ${expected}`, [{ path, expected, actual }]);
};

const assertMessage = (m: OutgoingMessage, at: string): void => {
  if (typeof m !== 'object' || m === null) invalid('invalid_message', at, 'an OutgoingMessage', m);
  for (const field of ['id', 'topic', 'type'] as const) {
    if (typeof m[field] !== 'string' || m[field].length === 0) {
      invalid('invalid_message', `${at}.${field}`, 'a non-empty string', m[field]);
    }
  }
  if (typeof m.key !== 'string') invalid('invalid_message', `${at}.key`, 'a string', m.key);
  if (typeof m.headers !== 'object' || m.headers === null || Array.isArray(m.headers)) {
    invalid('invalid_message', `${at}.headers`, 'a record of strings', m.headers);
  }
  for (const [name, value] of Object.entries(m.headers)) {
    if (typeof value !== 'string') invalid('invalid_message', `${at}.headers.${name}`, 'a string', value);
  }
  const issue =
    m.payload === undefined
      ? { path: `${at}.payload`, expected: 'JSON value', actual: undefined }
      : findNonJsonValue(m.payload, `${at}.payload`);
  if (issue !== undefined) {
    throw new InvalidInputError(
      'not_serialisable',
      `${issue.path} cannot be sent as JSON (expected ${issue.expected})`,
      [issue],
    );
  }
};

/**
 * Creates an in-memory message bus. Each consumer group receives every message of its topics
 * at least once; a new group starts from the first retained message of its topics. A group
 * handles one message at a time; a key always goes to the same member, so per-key order holds
 * unless `reorderWithinKey` is asked for. A handler that throws gets the message again (attempt
 * + 1, before the key's next message) up to `maxAttempts`, then it is dead-lettered.
 *
 * Simulation mode: `reorder` picks the next message at random among the heads of the keys (or
 * among all messages with `reorderWithinKey`), and `duplicateRate` delivers some messages twice;
 * a duplicate comes right back as the key's next delivery, or anywhere with `reorderWithinKey`.
 * All draws come from a generator per group seeded from `seed` and the group name, so a group's
 * sequence does not depend on how other groups' handlers interleave.
 *
 * A bad option throws `InvalidInputError('invalid_options')`, its issue's `path` naming the option.
 */
export const createInMemoryMessageBus = (options: InMemoryMessageBusOptions = {}): InMemoryMessageBus => {
  const seed = options.seed ?? 1;
  const reorder = options.reorder ?? false;
  const within = options.reorderWithinKey ?? false;
  // Per topic: a message of a shuffled topic may overtake its key's earlier messages.
  const shuffledTopic: (topic: string) => boolean = typeof within === 'function' ? within : () => within;
  const reorderWithinKey = within === true;
  const duplicateRate = options.duplicateRate ?? 0;
  const maxAttempts = options.maxAttempts ?? 5;
  if (!Number.isInteger(seed)) invalid('invalid_options', 'seed', 'an integer', seed);
  if (!(duplicateRate >= 0 && duplicateRate <= 1)) {
    invalid('invalid_options', 'duplicateRate', 'a number between 0 and 1', duplicateRate);
  }
  if (!Number.isInteger(maxAttempts) || maxAttempts < 1) {
    invalid('invalid_options', 'maxAttempts', 'a positive integer', maxAttempts);
  }
  const seeded = reorder || duplicateRate > 0;

  const topics = new Map<string, OutgoingMessage[]>();
  const groups = new Map<string, Group>();
  const deliveries: Delivery[] = [];
  const deadLetters: DeadLetter[] = [];
  let idleWaiters: Array<() => void> = [];

  const isIdle = () => {
    for (const g of groups.values()) if (g.running || (g.queue.length > 0 && g.members.length > 0)) return false;
    return true;
  };
  const notifyIdle = () => {
    if (idleWaiters.length === 0 || !isIdle()) return;
    const waiters = idleWaiters;
    idleWaiters = [];
    for (const resolve of waiters) resolve();
  };

  /** Index of the next message to deliver. */
  const pick = (g: Group): number => {
    if (!reorder || g.random === undefined) return 0;
    if (reorderWithinKey) return g.random.int(g.queue.length);
    const heads: number[] = [];
    const seen = new Set<string>();
    for (let i = 0; i < g.queue.length; i++) {
      const { key, topic } = g.queue.at(i).message;
      if (shuffledTopic(topic)) heads.push(i);
      else if (!seen.has(key)) {
        seen.add(key);
        heads.push(i);
      }
    }
    return g.random.pick(heads);
  };

  const pump = async (g: Group): Promise<void> => {
    try {
      while (g.members.length > 0 && g.queue.length > 0) {
        const index = pick(g);
        const item = g.queue.removeAt(index);
        const member = g.members[hash(item.message.key) % g.members.length]!;
        const { message } = item;
        deliveries.push({
          group: g.name,
          topic: message.topic,
          id: message.id,
          key: message.key,
          attempt: item.attempt,
          duplicate: item.duplicate,
        });
        // Object.assign, not `{ ...message, attempt }`: a spread followed by a new key is a slow
        // path of V8 on Node 20 (about 0.8 us), and this runs for every delivery.
        const delivered: IncomingMessage = Object.assign({}, message, { attempt: item.attempt });
        const run = (async () => member.handle(delivered))();
        member.current = run.then(
          () => undefined,
          () => undefined,
        );
        let failure: { error: unknown } | undefined;
        try {
          await run;
        } catch (error) {
          failure = { error };
        }
        member.current = undefined;
        // Only this pump removes from the queue and publishes append at the end, so `index` is
        // still the place just before the key's later messages.
        const at = Math.min(index, g.queue.length);
        if (failure !== undefined) {
          if (item.attempt < maxAttempts) {
            g.queue.insertAt(at, { message, attempt: item.attempt + 1, duplicate: item.duplicate });
          } else {
            const dead: DeadLetter = { group: g.name, message, attempts: item.attempt, error: failure.error };
            deadLetters.push(dead);
            options.onDeadLetter?.(dead);
          }
        } else if (duplicateRate > 0 && !item.duplicate && g.random !== undefined && g.random.next() < duplicateRate) {
          const again: Pending = { message, attempt: item.attempt + 1, duplicate: true };
          g.queue.insertAt(shuffledTopic(message.topic) ? g.random.int(g.queue.length + 1) : at, again);
        }
      }
    } finally {
      g.running = false;
      wake(g);
      notifyIdle();
    }
  };

  /** Starts the group's pump on a later microtask (never inside the publisher's call). */
  const wake = (g: Group) => {
    if (g.running || g.members.length === 0 || g.queue.length === 0) return;
    g.running = true;
    queueMicrotask(() => void pump(g));
  };

  const bus: InMemoryMessageBus = {
    publish: async (messages) => {
      if (!Array.isArray(messages)) invalid('invalid_message', 'messages', 'an array', messages);
      messages.forEach((m, i) => assertMessage(m, `messages.${i}`));
      for (const m of messages) {
        const stored: OutgoingMessage = Object.freeze({
          id: m.id,
          topic: m.topic,
          key: m.key,
          type: m.type,
          payload: frozenCopy(m.payload),
          headers: frozenCopy(m.headers),
        });
        let log = topics.get(m.topic);
        if (log === undefined) {
          log = [];
          topics.set(m.topic, log);
        }
        log.push(stored);
        for (const g of groups.values()) {
          if (g.topics.has(m.topic)) g.queue.push({ message: stored, attempt: 1, duplicate: false });
        }
      }
      for (const g of groups.values()) wake(g);
    },

    subscribe: async ({ topics: wanted, group, handle }) => {
      if (!Array.isArray(wanted) || wanted.length === 0) {
        invalid('invalid_subscription', 'topics', 'a non-empty array of topic names', wanted);
      }
      for (const t of wanted)
        if (typeof t !== 'string' || t.length === 0) invalid('invalid_subscription', 'topics', 'non-empty strings', t);
      if (typeof group !== 'string' || group.length === 0)
        invalid('invalid_subscription', 'group', 'a non-empty string', group);
      if (typeof handle !== 'function') invalid('invalid_subscription', 'handle', 'a function', handle);
      let g = groups.get(group);
      if (g === undefined) {
        g = {
          name: group,
          topics: new Set(),
          queue: new PendingQueue(),
          members: [],
          random: seeded ? createSeededRandom((seed ^ hash(group)) | 0) : undefined,
          running: false,
        };
        groups.set(group, g);
      }
      // A topic new to the group starts from its first retained message.
      for (const t of wanted) {
        if (g.topics.has(t)) continue;
        g.topics.add(t);
        for (const message of topics.get(t) ?? []) g.queue.push({ message, attempt: 1, duplicate: false });
      }
      const member: Member = { handle, current: undefined };
      g.members.push(member);
      wake(g);
      const joined = g;
      return {
        stop: async () => {
          const at = joined.members.indexOf(member);
          if (at >= 0) joined.members.splice(at, 1);
          await member.current;
          notifyIdle();
        },
      };
    },

    idle: () => (isIdle() ? Promise.resolve() : new Promise<void>((resolve) => idleWaiters.push(resolve))),
    deliveries: () => [...deliveries],
    messages: (topic) => [...(topics.get(topic) ?? [])],
    deadLetters: () => [...deadLetters],
  };
  return bus;
};
