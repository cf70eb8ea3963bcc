/** A command the dispatcher rejected: its type, the rejection code and its id. */
export interface RejectionRecord {
  readonly type: string;
  readonly code: string;
  readonly commandId: string;
}

/**
 * What the host's workers report besides their effects: failures (a message the bus gave up on,
 * a gateway call that threw) and the rejections of commands sent through the dispatcher (saga,
 * payment service, carrier). `runUntilIdle` fails on new failures; the invariant check reads both.
 */
export interface HostAudit {
  recordFailure(failure: string): void;
  recordRejection(rejection: RejectionRecord): void;
  /** Every failure so far, oldest first. */
  failures(): ReadonlyArray<string>;
  /** Every dispatcher rejection so far, oldest first. */
  rejections(): ReadonlyArray<RejectionRecord>;
}

/** Creates an empty {@link HostAudit}. */
export const createHostAudit = (): HostAudit => {
  const failures: string[] = [];
  const rejections: RejectionRecord[] = [];
  return {
    recordFailure: (failure) => void failures.push(failure),
    recordRejection: (rejection) => void rejections.push(rejection),
    failures: () => [...failures],
    rejections: () => [...rejections],
  };
};

/** A readable line for an error: its stack when there is one. */
export const describeError = (error: unknown): string =>
  error instanceof Error ? (error.stack ?? error.message) : String(error);
