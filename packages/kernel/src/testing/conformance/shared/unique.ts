/**
 * Names no other case or run uses, for suites whose store may be shared by several cases and
 * runs (one database, one broker): a per-process counter and the start time of the process, in
 * base 36. Tests may read the clock; the kernel's core never does.
 */
const runId = Date.now().toString(36);
let counter = 0;

/** A name unique to this case in this run, e.g. `snapshot-lq3k2a-7`. */
export const uniqueName = (prefix: string): string => `${prefix}-${runId}-${++counter}`;
