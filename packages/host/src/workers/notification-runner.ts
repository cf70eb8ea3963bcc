import type { Inbox, IncomingMessage, RecordedEvent } from '@ordo/kernel';
import { type NotifiableEvent, type NotificationSender, notifyingEventTypes, notifyOnce } from '@ordo/domains';

/**
 * A recorded event rebuilt from a bus message and its standard headers (the global position does
 * not travel: it is `-1n`).
 */
export const recordedFromMessage = <E extends { readonly type: string }>(
  message: IncomingMessage,
): RecordedEvent<E> => {
  const h = message.headers;
  const version = h['ordo-stream-version'];
  return {
    streamId: h['ordo-stream-id'] ?? message.key,
    streamVersion: version === undefined ? -1n : BigInt(version),
    globalPosition: -1n,
    event: message.payload as E,
    metadata: {
      eventId: message.id,
      correlationId: h['ordo-correlation-id'] ?? message.id,
      causationId: h['ordo-causation-id'] ?? message.id,
      occurredAt: h['ordo-occurred-at'] ?? '',
    },
  };
};

/** The notification reactor on a bus: each notification is sent once through the inbox. */
export interface NotificationRunner {
  handle(message: IncomingMessage): Promise<void>;
}

/**
 * Creates the notification runner: for each order, payment or shipment event delivered (at least
 * once, in any order), the reactor's notifications are sent through `sender`, each
 * `notificationId` once (the inbox records it with the send).
 */
export const createNotificationRunner = (options: {
  readonly inbox: Inbox<unknown>;
  readonly sender: NotificationSender;
}): NotificationRunner => {
  const types: ReadonlyArray<string> = notifyingEventTypes;
  return {
    handle: async (message) => {
      if (!types.includes(message.type)) return;
      await notifyOnce(options.inbox, options.sender, recordedFromMessage<NotifiableEvent>(message));
    },
  };
};
