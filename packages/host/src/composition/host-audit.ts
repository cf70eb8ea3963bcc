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
  /** A failure that lost work or needs a person: a message dead-lettered, a gateway call given up. */
  recordFailure(failure: string): void;
  /** A failure the host recovers from by itself (a step retried after a backoff, a dropped connection). */
  recordIncident(incident: string): void;
  recordRejection(rejection: RejectionRecord): void;
  /** Every failure so far, oldest first. */
  failures(): ReadonlyArray<string>;
  /** The last incidents (at most 1000), oldest first. */
  incidents(): ReadonlyArray<string>;
  /** Every dispatcher rejection so far, oldest first. */
  rejections(): ReadonlyArray<RejectionRecord>;
}

/** Creates an empty {@link HostAudit}. */
export const createHostAudit = (): HostAudit => {
  const failures: string[] = [];
  const rejections: RejectionRecord[] = [];
  let incidents: string[] = [];
  return {
    recordFailure: (failure) => void failures.push(failure),
    recordIncident: (incident) => {
      incidents.push(incident);
      if (incidents.length > 2_000) incidents = incidents.slice(-1_000);
    },
    incidents: () => incidents.slice(-1_000),
    recordRejection: (rejection) => void rejections.push(rejection),
    failures: () => [...failures],
    rejections: () => [...rejections],
  };
};

/** A readable line for an error: its stack when there is one. */
export const describeError = (error: unknown): string =>
  error instanceof Error ? (error.stack ?? error.message) : String(error);
