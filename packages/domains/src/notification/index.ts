/**
 * Notification: a pure reactor turning order, payment and shipping events into customer
 * notifications, a sender port, and a runner-agnostic helper that sends each notification once
 * through the kernel's inbox port. No decider, hence no rejection codes.
 */
export type { Notification, NotificationSender, NotificationTemplate } from './notification';
export { notificationIdFor, notificationsFor, notifyingEventTypes } from './reactor';
export type { NotifiableEvent } from './reactor';
export { NOTIFICATION_CONSUMER, notifyOnce, sendNotificationsOnce } from './send-once';
export type { SendReport } from './send-once';
