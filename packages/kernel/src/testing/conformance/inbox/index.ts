/**
 * The inbox conformance suite: what every `Inbox` adapter promises consumers, as cases any test
 * framework runs (registrar and `unsupported` as in `eventStoreConformance`).
 *
 * ```ts
 * inboxConformance(test, { create: async () => createInMemoryInbox(), reopen: async (inbox) => inbox });
 * ```
 */
import { registerConformanceCases, type TestRegistrar } from '../shared/registrar';
import { inboxConformanceCases } from './cases';
import type { InboxConformanceFactory } from './types';

export { inboxConformanceCases } from './cases';
export type { InboxConformanceCase, InboxConformanceFactory } from './types';

/** Registers the inbox suite with a test framework. */
export const inboxConformance = <Tx>(test: TestRegistrar, factory: InboxConformanceFactory<Tx>): void =>
  registerConformanceCases('inbox', test, inboxConformanceCases, factory as unknown as InboxConformanceFactory);
