import type { EventStore } from '../../event-store/event-store';

/**
 * What the conformance suite needs from an adapter.
 *
 * `create` should return an isolated, empty store. The suite also copes with a store shared by
 * several cases or runs (one PostgreSQL database, one EventStoreDB node): every case claims a
 * unique namespace through the store itself, uses stream ids, event ids and tenant ids inside it,
 * and only looks at its own events when it reads `$all`.
 */
export interface ConformanceFactory {
  /** A fresh, empty store (or one with unique stream ids per call: the suite uses random-looking ids). */
  readonly create: () => Promise<EventStore>;
  /** Releases resources of a store made by `create`. */
  readonly dispose?: (store: EventStore) => Promise<void>;
  /** Features an adapter cannot offer, with the reason; those cases are reported as skipped. */
  readonly unsupported?: Partial<Record<string, string>>;
}

/** One conformance case. */
export interface ConformanceCase {
  readonly name: string;
  readonly run: (factory: ConformanceFactory) => Promise<void>;
}

/** The registration function of a test framework: uvu's `test`, node:test's `test`, vitest's `it`. */
export interface TestRegistrar {
  (name: string, fn: () => Promise<void>): void;
  skip?: (name: string, fn?: () => Promise<void>) => void;
}
