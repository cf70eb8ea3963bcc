import type { Outbox } from '../../../messaging/outbox';
import type { OutboxMessage } from '../../../messaging/outgoing-message';
import type { ConformanceSuiteCase, UnsupportedCases } from '../shared/registrar';

/** What the outbox suite needs from an adapter: a fresh, empty outbox and a way to write to it. */
export interface OutboxConformanceFactory extends UnsupportedCases {
  readonly create: () => Promise<{
    readonly outbox: Outbox;
    /** Writes messages as the adapter's writers do (in the append transaction, in production). */
    readonly add: (messages: ReadonlyArray<OutboxMessage>) => Promise<void>;
  }>;
  /** Releases what `create` made. */
  readonly dispose?: (outbox: Outbox) => Promise<void>;
}

/** One case of the outbox suite. */
export type OutboxConformanceCase = ConformanceSuiteCase<OutboxConformanceFactory>;
