/**
 * The deterministic simulation: the whole commerce system on the in-memory adapters under one
 * seed, with duplicates, reordering, crashes and timeouts, checked against the invariants of
 * docs/architecture.md. `runSimulation({ seed })` runs one seed; `cli.ts` runs sweeps.
 */
export { failureLine, replayCommand, runSimulation } from './run-simulation';
export type { SimulationOptions, SimulationReport } from './run-simulation';
export { checkInvariants, expectedRejections } from './invariants';
export type { InvariantResult, QuiescentWorld } from './invariants';
export { isPlantedBug, plantedBugs, withPlantedBug } from './planted-bugs';
export type { PlantedBug } from './planted-bugs';
export { createSimulatedGateway } from './simulated-gateway';
export type { GatewayBehaviour, SimulatedGateway } from './simulated-gateway';
export { createGatedConsumer } from './gated-consumer';
export type { GatedConsumer } from './gated-consumer';
export { createWorld } from './world';
export type { World, WorldSettings } from './world';
