/**
 * @ordo/kernel/testing: the toolkit users test their own domains with.
 * - `deciderSpec(decider).given(events).when(command).then(events)` / `.thenRejects(code)`
 * - `checkDeciderLaws(decider, options)`: property laws over generated command sequences
 * - `eventStoreConformance(factory)`: the suite every event store adapter passes
 * - `outboxConformance(factory)`: the suite every outbox adapter passes
 */
export * from './decider-spec';
export * from './decider-laws';
export * from './conformance';
export * from './outbox-conformance';
