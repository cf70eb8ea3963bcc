/**
 * Notification: a pure reactor turning order, payment and shipping events into customer
 * notifications, a sender port, and a runner-agnostic helper that sends each notification once
 * through the kernel's inbox port. No decider, hence no rejection codes.
 */
export * from './notification';
export * from './reactor';
export * from './send-once';
