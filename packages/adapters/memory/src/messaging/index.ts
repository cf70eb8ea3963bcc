export { createInMemoryMessageBus } from './in-memory-message-bus';
export type { DeadLetter, Delivery, InMemoryMessageBus, InMemoryMessageBusOptions } from './in-memory-message-bus';
