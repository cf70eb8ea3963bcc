import type { EventStore } from '../../../event-store/event-store';
import type { RecordedEvent } from '../../../event-store/recorded-event';
import type { ConformanceSuiteCase, UnsupportedCases } from '../shared/registrar';

export type { TestRegistrar } from '../shared/registrar';

/**
 * Called by a store made by {@link ConformanceFactory.createHeld} inside every append, after its
 * events have taken their versions and global positions and before they commit (become visible
 * to readers); the append commits once the promise resolves. `appended` are the append's events
 * as they will be recorded.
 */
export type CommitHold = (appended: ReadonlyArray<RecordedEvent>) => Promise<void>;

/**
 * What the event store conformance suite needs from an adapter.
 *
 * `create` should return an isolated, empty store. The suite also copes with a store shared by
 * several cases or runs (one PostgreSQL database, one EventStoreDB node): every case claims a
 * unique namespace through the store itself, uses stream ids, event ids and tenant ids inside it,
 * and only looks at its own events when it reads `$all`.
 */
export interface ConformanceFactory extends UnsupportedCases {
  /** A fresh, empty store (or one with unique stream ids per call: the suite uses random-looking ids). */
  readonly create: () => Promise<EventStore>;
  /** Releases resources of a store made by `create` (or `createHeld`). */
  readonly dispose?: (store: EventStore) => Promise<void>;
  /**
   * A store like `create`'s whose appends can be held open between taking their positions and
   * committing: it calls `hold` inside every append (PostgreSQL: an `inTransaction` hook; memory:
   * an inline projection handler). The gap case holds some appends so that they could commit out
   * of position order while readers follow. A store that cannot hold a commit (it takes its
   * position when it commits) names that case in `unsupported`, with the reason.
   */
  readonly createHeld?: (hold: CommitHold) => Promise<EventStore>;
  /** How long a case waits for a delivery or a held append before it fails; default 10 000 ms. */
  readonly timeoutMs?: number;
}

/** One case of the event store conformance suite. */
export type ConformanceCase = ConformanceSuiteCase<ConformanceFactory>;
