/** What was still waiting when the host stopped pumping. */
export interface PendingWork {
  /** Outbox messages not yet published to the bus. */
  readonly outbox: number;
  /** Gateway calls of the payment service still in flight. */
  readonly paymentCalls: number;
  /** Saga timeouts scheduled (due or not). */
  readonly timeouts: number;
  /** Carrier actions due now. */
  readonly carrierActionsDue: number;
}

/**
 * `runUntilIdle` went through its step budget and there was still work: a livelock (two workers
 * feeding each other forever) or simply more work than the budget. Nothing was rolled back.
 */
export class HostNotSettledError extends Error {
  constructor(
    readonly steps: number,
    readonly pending: PendingWork,
  ) {
    super(
      `the host did not settle within ${steps} steps; still pending: ${pending.outbox} outbox messages, ` +
        `${pending.paymentCalls} payment calls, ${pending.carrierActionsDue} carrier actions due, ` +
        `${pending.timeouts} timeouts scheduled (raise maxSteps if the load is legitimate)`,
    );
    this.name = 'HostNotSettledError';
  }
}

/** A worker failed while the host ran (a message the bus gave up on, a gateway call that threw). */
export class HostWorkerError extends Error {
  constructor(readonly failures: ReadonlyArray<string>) {
    super(`${failures.length} worker failure(s) while running the host; first: ${failures[0] ?? 'unknown'}`);
    this.name = 'HostWorkerError';
  }
}

/** The host was stopped: it takes no more commands and runs no more work. */
export class HostStoppedError extends Error {
  constructor(operation: string) {
    super(`the host is stopped: cannot ${operation}`);
    this.name = 'HostStoppedError';
  }
}
