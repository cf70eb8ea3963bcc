import { type Clock, InvalidInputError, type Outbox, type OutboxMessage } from '@ordo/kernel';
import { systemClock } from '../runtime';

/** Options of {@link createInMemoryOutbox}. */
export interface InMemoryOutboxOptions {
  /** Time source of the leases; inject a manual clock to test lease expiry. */
  readonly clock?: Clock;
}

/** One outbox row as the test helpers show it. */
export interface OutboxEntry {
  readonly message: OutboxMessage;
  readonly published: boolean;
  /** Relay holding the claim, while claimed and unpublished. */
  readonly owner?: string;
  /** End of the claim's lease, epoch milliseconds. */
  readonly leaseUntil?: number;
}

/** An in-memory {@link Outbox}, filled by the in-memory event store in the same step as the append. */
export interface InMemoryOutbox extends Outbox {
  /**
   * Adds messages, all or none (a repeated id rejects the whole call with
   * `InvalidInputError('duplicate_message_id')`). The event store calls it inside its append.
   */
  add(messages: ReadonlyArray<OutboxMessage>): void;
  /** Every row ever added, published or not, in insertion order. */
  entries(): ReadonlyArray<OutboxEntry>;
  /** Messages marked published, in the order they were marked. */
  published(): ReadonlyArray<OutboxMessage>;
}

interface Row {
  readonly message: OutboxMessage;
  published: boolean;
  owner: string | undefined;
  leaseUntil: number;
}

const invalid = (path: string, expected: string, actual: unknown, code = 'invalid_outbox_request'): never => {
  throw new InvalidInputError(code, `${path} must be ${expected}`, [{ path, expected, actual }]);
};

/**
 * Creates an in-memory outbox. Claims follow the port's ordering rule across several relays: a
 * stream whose unpublished messages include one claimed by another relay under a live lease is
 * skipped entirely, so no relay ever publishes a stream's message ahead of an earlier one held
 * elsewhere. A relay that claims again gets its own unexpired claims back first (after a crash
 * and restart under the same owner name), so an owner name must belong to one relay at a time;
 * with `ahead: true` it keeps them and gets what follows (a pipelining relay).
 */
export const createInMemoryOutbox = (options: InMemoryOutboxOptions = {}): InMemoryOutbox => {
  const clock = options.clock ?? systemClock;
  /** Unpublished rows in insertion (= global) order; published ones are swept out lazily. */
  let rows: Row[] = [];
  let sweepable = 0;
  const byId = new Map<string, Row>();
  const publishedLog: OutboxMessage[] = [];
  let pendingCount = 0;

  const sweep = () => {
    if (sweepable > 64 && sweepable * 2 > rows.length) {
      rows = rows.filter((r) => !r.published);
      sweepable = 0;
    }
  };

  const outbox: InMemoryOutbox = {
    add: (messages) => {
      const ids = new Set<string>();
      for (const m of messages) {
        if (typeof m.id !== 'string' || m.id.length === 0) invalid('message.id', 'a non-empty string', m.id);
        if (byId.has(m.id) || ids.has(m.id)) {
          throw new InvalidInputError('duplicate_message_id', `outbox message id '${m.id}' is already stored`, [
            { path: 'message.id', expected: 'unique id', actual: m.id },
          ]);
        }
        ids.add(m.id);
      }
      for (const message of messages) {
        const row: Row = { message: Object.freeze({ ...message }), published: false, owner: undefined, leaseUntil: 0 };
        rows.push(row);
        byId.set(message.id, row);
        pendingCount += 1;
      }
    },

    claim: async ({ owner, batchSize, leaseMs, ahead = false }) => {
      // The same codes as every outbox: the owner is `invalid_owner`, the claim's options `invalid_options`.
      if (typeof owner !== 'string' || owner.length === 0)
        invalid('owner', 'a non-empty string', owner, 'invalid_owner');
      if (!Number.isInteger(batchSize) || batchSize <= 0) {
        invalid('batchSize', 'a positive integer', batchSize, 'invalid_options');
      }
      if (!Number.isFinite(leaseMs) || leaseMs <= 0)
        invalid('leaseMs', 'a positive number', leaseMs, 'invalid_options');
      const now = clock.now().getTime();
      const heldElsewhere = new Set<string>();
      for (const row of rows) {
        if (!row.published && row.owner !== undefined && row.owner !== owner && row.leaseUntil > now) {
          heldElsewhere.add(row.message.streamId);
        }
      }
      const claimed: OutboxMessage[] = [];
      for (const row of rows) {
        if (claimed.length >= batchSize) break;
        if (row.published || heldElsewhere.has(row.message.streamId)) continue;
        // Claiming ahead: the owner is publishing its unmarked claims; hand out what follows them.
        if (ahead && row.owner === owner && row.leaseUntil > now) continue;
        row.owner = owner;
        row.leaseUntil = now + leaseMs;
        claimed.push(row.message);
      }
      return claimed;
    },

    markPublished: async (owner, ids) => {
      for (const id of ids) {
        const row = byId.get(id);
        if (row === undefined || row.published || row.owner !== owner) continue;
        row.published = true;
        row.owner = undefined;
        pendingCount -= 1;
        sweepable += 1;
        publishedLog.push(row.message);
      }
      sweep();
    },

    release: async (owner, ids) => {
      for (const id of ids) {
        const row = byId.get(id);
        if (row === undefined || row.published || row.owner !== owner) continue;
        row.owner = undefined;
        row.leaseUntil = 0;
      }
    },

    pending: async () => pendingCount,

    entries: () =>
      [...byId.values()].map((r) => ({
        message: r.message,
        published: r.published,
        ...(r.owner === undefined ? {} : { owner: r.owner, leaseUntil: r.leaseUntil }),
      })),

    published: () => [...publishedLog],
  };
  return outbox;
};
