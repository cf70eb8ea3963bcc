import type { Host } from '../composition/host';

/** Options of {@link installShutdownHandlers}. */
export interface ShutdownOptions {
  /** Longest an orderly shutdown may take, ms (default 10 000). */
  readonly deadlineMs?: number;
  /** Signals that start the shutdown (default SIGTERM and SIGINT). */
  readonly signals?: ReadonlyArray<NodeJS.Signals>;
  /** Ends the process (default `process.exit`). */
  readonly exit?: (code: number) => void;
  /** Where the handler says what it does (default stderr). */
  readonly log?: (line: string) => void;
}

/**
 * Stops `host` on SIGTERM / SIGINT and ends the process: exit code 0 after an orderly stop within
 * the deadline, 1 when the deadline passed. A second signal while stopping exits at once with
 * code 130. Answers a function that removes the handlers.
 */
export const installShutdownHandlers = (host: Host, options: ShutdownOptions = {}): (() => void) => {
  const exit = options.exit ?? ((code: number) => process.exit(code));
  const log = options.log ?? ((line: string) => process.stderr.write(`${line}\n`));
  const signals = options.signals ?? ['SIGTERM', 'SIGINT'];
  let stopping = false;
  const onSignal = (signal: NodeJS.Signals) => {
    if (stopping) {
      log(`ordo: ${signal} again, exiting now`);
      exit(130);
      return;
    }
    stopping = true;
    log(`ordo: ${signal}, stopping (deadline ${options.deadlineMs ?? 10_000} ms)`);
    void host
      .stop(options.deadlineMs === undefined ? {} : { deadlineMs: options.deadlineMs })
      .then((report) => {
        log(`ordo: stopped in ${report.elapsedMs} ms${report.timedOut ? ' (deadline passed)' : ''}`);
        exit(report.timedOut ? 1 : 0);
      })
      .catch((error: unknown) => {
        log(`ordo: stop failed: ${error instanceof Error ? error.message : String(error)}`);
        exit(1);
      });
  };
  for (const signal of signals) process.on(signal, onSignal);
  return () => {
    for (const signal of signals) process.off(signal, onSignal);
  };
};
