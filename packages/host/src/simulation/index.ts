/**
 * The deterministic simulation: the whole commerce system on the in-memory adapters under one
 * seed, with duplicates, reordering, crashes and timeouts, checked against the invariants of
 * docs/architecture.md. `runSimulation({ seed })` runs one seed; `cli.ts` runs sweeps.
 */
export * from './run-simulation';
export * from './invariants';
export * from './planted-bugs';
export * from './simulated-gateway';
export * from './gated-consumer';
export * from './world';
