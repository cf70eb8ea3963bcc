/**
 * The event store conformance suite: the behaviour every `EventStore` adapter shares, as cases a
 * test framework runs. It uses only the kernel and plain throw-on-failure assertions, so it runs
 * under uvu, node:test, vitest or anything that accepts `(name, async fn)`.
 *
 * ```ts
 * import { test } from 'uvu';
 * import { eventStoreConformance } from '@ordo/kernel/testing';
 * eventStoreConformance(test, { create: async () => createInMemoryEventStore() });
 * test.run();
 * ```
 *
 * Each case calls `factory.create()` for its own store and `factory.dispose` afterwards. A store
 * may also be shared (one database for every case and run): each case claims a unique namespace
 * through the store, writes only inside it and reads `$all` only after its claim.
 */
import { appendCases } from './conformance/append-cases';
import { commandHandlerCases } from './conformance/command-handler-cases';
import { concurrencyCases } from './conformance/concurrency-cases';
import { dataCases } from './conformance/data-cases';
import { idempotencyCases } from './conformance/idempotency-cases';
import { invalidInputCases } from './conformance/invalid-input-cases';
import { readCases } from './conformance/read-cases';
import { subscriptionCases } from './conformance/subscription-cases';
import type { ConformanceCase, ConformanceFactory, TestRegistrar } from './conformance/types';

export type { ConformanceCase, ConformanceFactory, TestRegistrar } from './conformance/types';
export { ConformanceFailure } from './conformance/assert';

/** Every case of the event store conformance suite. */
export const eventStoreConformanceCases: ReadonlyArray<ConformanceCase> = [
  ...appendCases,
  ...idempotencyCases,
  ...concurrencyCases,
  ...readCases,
  ...subscriptionCases,
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
export const eventStoreConformance = (test: TestRegistrar, factory: ConformanceFactory): void => {
  const names = new Set(eventStoreConformanceCases.map((c) => c.name));
  const unknown = Object.keys(factory.unsupported ?? {}).filter((name) => !names.has(name));
  if (unknown.length > 0) {
    throw new Error(`factory.unsupported names unknown conformance cases: ${unknown.map((n) => `'${n}'`).join(', ')}`);
  }
  for (const c of eventStoreConformanceCases) {
    const reason = factory.unsupported?.[c.name];
    const run = () => c.run(factory);
    if (reason === undefined) {
      test(c.name, run);
    } else {
      console.log(`SKIP ${c.name}: ${reason}`);
      test.skip?.(c.name, run);
    }
  }
};
