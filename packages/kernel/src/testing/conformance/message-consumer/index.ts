/**
 * The message consumer conformance suite: what every `MessageConsumer` adapter promises (with
 * a `Publisher` on the same transport), as cases any test framework runs (registrar and
 * `unsupported` as in `eventStoreConformance`).
 *
 * ```ts
 * messageConsumerConformance(test, {
 *   create: async () => {
 *     const bus = createInMemoryMessageBus();
 *     return { consumer: bus, publisher: bus };
 *   },
 * });
 * ```
 */
import { registerConformanceCases, type TestRegistrar } from '../shared/registrar';
import { messageConsumerConformanceCases } from './cases';
import type { MessageConsumerConformanceFactory } from './types';

export { messageConsumerConformanceCases } from './cases';
export type {
  MessageConsumerConformanceCase,
  MessageConsumerConformanceFactory,
  MessageConsumerConformanceSetup,
} from './types';

/** Registers the message consumer suite with a test framework. */
export const messageConsumerConformance = (test: TestRegistrar, factory: MessageConsumerConformanceFactory): void =>
  registerConformanceCases('message consumer', test, messageConsumerConformanceCases, factory);
