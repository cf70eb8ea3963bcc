/** Exit codes of `ordo`: 0 done, 1 something failed or is broken, 2 bad usage or configuration. */
export const EXIT = { ok: 0, failed: 1, usage: 2 } as const;

/**
 * A command line or environment that does not hold: what was wrong, naming the flag (`--port`) or
 * the variable (`ORDO_PORT`) it came from. `ordo` prints it with the command's usage and exits with 2.
 */
export class UsageError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'UsageError';
  }
}
