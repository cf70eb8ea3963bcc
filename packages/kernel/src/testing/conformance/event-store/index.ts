/**
 * The event store conformance suite: the behaviour every `EventStore` adapter shares, as cases a
 * test framework runs. It uses only the kernel and plain throw-on-failure assertions, so it runs
 * under uvu, node:test, vitest or anything that accepts `(name, async fn)`.
 *
 * ```ts
 * import { test } from 'uvu';
 * import { eventStoreConformance } from '@ordo/kernel/testing';
 * eventStoreConformance(test, {
 *   create: async () => createInMemoryEventStore(),
 *   createHeld: async (hold) =>
 *     createInMemoryEventStore({ inlineProjections: [{ name: 'hold', handle: (events) => hold(events) }] }),
 * });
 * test.run();
 * ```
 *
 * Each case calls `factory.create()` for its own store and `factory.dispose` afterwards. A store
 * may also be shared (one database for every case and run): each case claims a unique namespace
 * through the store, writes only inside it and reads `$all` only after its claim.
 */
import { registerConformanceCases, type TestRegistrar } from '../shared/registrar';
import { appendCases } from './append-cases';
import { commandHandlerCases } from './command-handler-cases';
import { concurrencyCases } from './concurrency-cases';
import { dataCases } from './data-cases';
import { gapCases } from './gap-cases';
import { idempotencyCases } from './idempotency-cases';
import { invalidInputCases } from './invalid-input-cases';
import { readCases } from './read-cases';
import { readOptionsCases } from './read-options-cases';
import { subscriptionCases } from './subscription-cases';
import type { ConformanceCase, ConformanceFactory } from './types';

export type { CommitHold, ConformanceCase, ConformanceFactory } from './types';

/** Every case of the event store conformance suite. */
export const eventStoreConformanceCases: ReadonlyArray<ConformanceCase> = [
  ...appendCases,
  ...idempotencyCases,
  ...concurrencyCases,
  ...readCases,
  ...readOptionsCases,
  ...subscriptionCases,
  ...gapCases,
  ...dataCases,
  ...invalidInputCases,
  ...commandHandlerCases,
];

/**
 * Registers the whole suite with a test framework. Cases named in `factory.unsupported` are
 * registered as skipped (through `test.skip` when the framework has it) and print
 * `SKIP <case>: <reason>`; naming a case that does not exist is an error, so a typo cannot hide
 * a case.
 */
export const eventStoreConformance = (test: TestRegistrar, factory: ConformanceFactory): void =>
  registerConformanceCases('event store', test, eventStoreConformanceCases, factory);
