/** The host's topics, groups and keys, and what the commerce system sends through its outbox. */
export { COMMAND_DOMAINS, COMMAND_ID_HEADER, EVENT_CATEGORIES, HostConsumerGroups, hostTopics } from './topics';
export type { CommandDomain, EventCategory, HostTopics } from './topics';
export { TimerMessageTypes, commandDomainOf, commerceOutboxMapping } from './commerce-outbox';
export type { CancelTimeoutPayload, ScheduleTimeoutPayload } from './commerce-outbox';
export {
  fulfilmentRejectionInput,
  fulfilmentSignalKey,
  fulfilmentSignalMessage,
  fulfilmentSignalOutboxMessage,
} from './saga-signals';
