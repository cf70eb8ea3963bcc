/** The templates the reactor uses; the sender renders them. */
export type NotificationTemplate =
  | 'order_received'
  | 'order_completed'
  | 'order_cancelled'
  | 'payment_received'
  | 'payment_declined'
  | 'refund_issued'
  | 'shipment_dispatched'
  | 'shipment_delivered'
  | 'shipment_failed';

/**
 * A message to a customer. `notificationId` derives from the id of the event that caused it, so a
 * redelivered event yields the same id and the inbox drops the second send.
 */
export interface Notification {
  readonly notificationId: string;
  /** The order the message is about; the sender finds the recipient from it when `customerId` is absent. */
  readonly orderId: string;
  readonly customerId?: string;
  readonly channel: 'email';
  readonly template: NotificationTemplate;
  /** Values the template shows (amounts in minor units). */
  readonly data: Readonly<Record<string, string | number>>;
}

/** The port that delivers notifications (an e-mail service in production, a recorder in tests). */
export interface NotificationSender {
  /** Resolves once the message is accepted for delivery; rejects to have it retried. */
  send(notification: Notification): Promise<void>;
}
