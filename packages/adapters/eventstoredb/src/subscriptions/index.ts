// `EventStore.subscribeToAll` on EventStoreDB: the resilient catch-up loop, the live "append"
// doorbell and the retry backoff. Public surface of this folder (re-exported by the package
// entry): the settings a user passes as `subscriptions`.
export type { SubscriptionSettings } from './resilient-subscription';
export type { RetryPolicy } from './backoff';
