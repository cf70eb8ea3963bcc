import type { Inbox, RecordedEvent } from '@ordo/kernel';
import type { Notification, NotificationSender } from './notification';
import { type NotifiableEvent, notificationsFor } from './reactor';

/** Consumer name under which the notification inbox records sent notifications. */
export const NOTIFICATION_CONSUMER = 'notifications';

/** What one call of {@link sendNotificationsOnce} did. */
export interface SendReport {
  /** Notifications handed to the sender by this call. */
  readonly sent: number;
  /** Notifications skipped because the inbox had already recorded them. */
  readonly duplicates: number;
}

/**
 * Sends each notification at most once per `notificationId`, whatever runner delivers the events
 * (catch-up subscription, Kafka consumer): the inbox records the id together with the send. A
 * failed send rejects and records nothing, so the event's redelivery retries it. Delivery to the
 * customer is at-least-once when the process dies between the send and the inbox record; the
 * sender may use `notificationId` as its own idempotency key to close that gap.
 */
export const sendNotificationsOnce = async <Tx>(
  inbox: Inbox<Tx>,
  sender: NotificationSender,
  notifications: ReadonlyArray<Notification>,
  consumer: string = NOTIFICATION_CONSUMER,
): Promise<SendReport> => {
  let sent = 0;
  let duplicates = 0;
  for (const notification of notifications) {
    const result = await inbox.handleOnce(consumer, notification.notificationId, () => sender.send(notification));
    if (result.duplicate) duplicates += 1;
    else sent += 1;
  }
  return { sent, duplicates };
};

/** Reacts to one recorded event and sends its notifications once: the handler a runner subscribes. */
export const notifyOnce = <Tx>(
  inbox: Inbox<Tx>,
  sender: NotificationSender,
  event: RecordedEvent<NotifiableEvent>,
  consumer: string = NOTIFICATION_CONSUMER,
): Promise<SendReport> => sendNotificationsOnce(inbox, sender, notificationsFor(event), consumer);
