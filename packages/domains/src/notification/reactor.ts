import type { RecordedEvent } from '@ordo/kernel';
import type { OrderEvent } from '../order/events';
import type { PaymentEvent } from '../payment/events';
import type { ShipmentEvent } from '../shipping/events';
import type { Notification, NotificationTemplate } from './notification';

/** The events the notification reactor reads. */
export type NotifiableEvent = OrderEvent | PaymentEvent | ShipmentEvent;

/** The event types that cause a notification (the reactor ignores the others). */
export const notifyingEventTypes = [
  'OrderPlaced',
  'OrderCompleted',
  'OrderCancelled',
  'PaymentCaptured',
  'PaymentDeclined',
  'PaymentRefunded',
  'ShipmentDispatched',
  'ShipmentDelivered',
  'ShipmentFailed',
] as const satisfies ReadonlyArray<NotifiableEvent['type']>;

/** Id of the notification an event causes: a pure function of the event id and the template. */
export const notificationIdFor = (eventId: string, template: NotificationTemplate): string => `${eventId}:${template}`;

/**
 * The notification reactor: what to tell the customer about one recorded event. Pure and
 * deterministic (same event, same notifications with the same ids), so redelivery is harmless once
 * sends are deduplicated by `notificationId`.
 */
export const notificationsFor = (recorded: RecordedEvent<NotifiableEvent>): ReadonlyArray<Notification> => {
  const event = recorded.event;
  const one = (template: NotificationTemplate, data: Notification['data'], customerId?: string): Notification[] => [
    {
      notificationId: notificationIdFor(recorded.metadata.eventId, template),
      orderId: event.orderId,
      ...(customerId === undefined ? {} : { customerId }),
      channel: 'email',
      template,
      data,
    },
  ];
  switch (event.type) {
    case 'OrderPlaced':
      return one(
        'order_received',
        { total: event.total, currency: event.currency, lines: event.lines.length },
        event.customerId,
      );
    case 'OrderCompleted':
      return one('order_completed', {});
    case 'OrderCancelled':
      return one('order_cancelled', { reason: event.reason });
    case 'PaymentCaptured':
      return one('payment_received', { amount: event.amount });
    case 'PaymentDeclined':
      return one('payment_declined', { reason: event.reason });
    case 'PaymentRefunded':
      return one('refund_issued', { amount: event.amount });
    case 'ShipmentDispatched':
      return one('shipment_dispatched', { shipmentId: event.shipmentId });
    case 'ShipmentDelivered':
      return one('shipment_delivered', { shipmentId: event.shipmentId });
    case 'ShipmentFailed':
      return one('shipment_failed', { shipmentId: event.shipmentId, reason: event.reason });
    default:
      return [];
  }
};
