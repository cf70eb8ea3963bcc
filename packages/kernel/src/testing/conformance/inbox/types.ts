import type { Inbox } from '../../../messaging/inbox';
import type { ConformanceSuiteCase, UnsupportedCases } from '../shared/registrar';

/**
 * What the inbox suite needs from an adapter. The inbox may be shared by every case and run (one
 * database): each case uses consumer names no other case or run uses. The suite's effects ignore
 * the transaction handed to them (`Tx`).
 */
export interface InboxConformanceFactory<Tx = unknown> extends UnsupportedCases {
  readonly create: () => Promise<Inbox<Tx>>;
  /**
   * A new instance over the same storage as `inbox`, as after a process restart (PostgreSQL: a
   * new inbox on the same pool and schema). An inbox whose storage is the instance itself
   * (memory) answers `inbox`. Without it the restart case fails, unless it is named in
   * `unsupported`.
   */
  readonly reopen?: (inbox: Inbox<Tx>) => Promise<Inbox<Tx>>;
  /** Releases what `create` made. */
  readonly dispose?: (inbox: Inbox<Tx>) => Promise<void>;
}

/** One case of the inbox suite. */
export type InboxConformanceCase = ConformanceSuiteCase<InboxConformanceFactory>;
