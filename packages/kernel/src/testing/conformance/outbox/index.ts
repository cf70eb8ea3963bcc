/**
 * The outbox conformance suite: what every `Outbox` adapter promises relays, as cases any test
 * framework runs (see `eventStoreConformance` for the registrar and `unsupported`).
 *
 * ```ts
 * outboxConformance(test, {
 *   create: async () => {
 *     const outbox = createInMemoryOutbox();
 *     return { outbox, add: async (messages) => outbox.add(messages) };
 *   },
 * });
 * ```
 *
 * The suite asserts only what the port promises, so an adapter may hold more than a stream (the
 * PostgreSQL outbox holds buckets of streams) as long as it never hands out a stream's message
 * while another owner holds an earlier one, and hands each stream out in order.
 */
import { registerConformanceCases, type TestRegistrar } from '../shared/registrar';
import { outboxConformanceCases } from './cases';
import type { OutboxConformanceFactory } from './types';

export { outboxConformanceCases } from './cases';
export type { OutboxConformanceCase, OutboxConformanceFactory } from './types';

/** Registers the outbox suite with a test framework (see `eventStoreConformance` for `unsupported`). */
export const outboxConformance = (test: TestRegistrar, factory: OutboxConformanceFactory): void =>
  registerConformanceCases('outbox', test, outboxConformanceCases, factory);
