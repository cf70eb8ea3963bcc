import type {
  CheckpointStore,
  Clock,
  EventStore,
  Inbox,
  Outbox,
  OutboxMapping,
  OutboxRelay,
  Publisher,
} from '@ordo/kernel';
import type { ProjectionStateStore } from '../workers/projection-runner';
import type { SagaTimers } from '../workers/saga-timers';
import type { SharedAnswers } from './shared-answers';

/** What a store backend needs to be built: the clock and what each append sends through the outbox. */
export interface StoreBackendContext {
  readonly clock: Clock;
  /** The messages each appended event sends (written with the events, or read off the log). */
  readonly mapping: OutboxMapping;
  /** Reports a background failure (a dropped connection). */
  readonly onError: (error: unknown) => void;
}

/** Options of a backend's relay. */
export interface RelaySettings {
  readonly publisher: Publisher;
  /** This relay's name: leases and claims are its own. */
  readonly owner: string;
  readonly pollMs: number;
}

/**
 * One event store with everything the host keeps beside it: the outbox (or the log as the
 * outbox), the inbox, checkpoints, the saga's timers and the read models. Built by
 * `memoryStore`, `postgresStore` or `eventStoreDbStore`.
 */
export interface StoreBackend {
  readonly kind: 'memory' | 'postgres' | 'eventstoredb';
  readonly store: EventStore;
  /** The outbox appends fill; `undefined` where the log itself is the outbox (EventStoreDB). */
  readonly outbox: Outbox | undefined;
  readonly inbox: Inbox<unknown>;
  readonly checkpoints: CheckpointStore;
  /** The saga's timeouts; due ones go out as signals on `signalsTopic` (through `publisher` or the outbox). */
  timers(publisher: Publisher, signalsTopic: string): SagaTimers;
  /** Where read models are kept (one document per projection name). */
  readModels<M>(): ProjectionStateStore<M>;
  /** The relay that publishes what appends sent to the outbox. */
  relay(settings: RelaySettings): OutboxRelay;
  /** Messages waiting to be published (0 where there is no outbox to count). */
  outboxPending(): Promise<number>;
  /**
   * Answers of idempotent HTTP requests shared by every process on this store; `undefined` where
   * the edge keeps them per process (memory, EventStoreDB).
   */
  readonly sharedAnswers?: SharedAnswers;
  /** Resolves when the store answers a trivial query; rejects with why not. */
  ping(): Promise<void>;
  /** Closes what the backend opened (pools, clients); what was given to it stays open. */
  close(): Promise<void>;
}
