import type { Notification, NotificationSender } from '@ordo/domains';

/** A {@link NotificationSender} that keeps what it sent, in order. */
export interface RecordingNotificationSender extends NotificationSender {
  /** Every notification sent so far, oldest first. */
  sent(): ReadonlyArray<Notification>;
}

/**
 * Records each notification once `forward` (the real delivery, if any) has accepted it; a
 * forward that rejects records nothing, so the runner's retry sends it again.
 */
export const createRecordingNotificationSender = (forward?: NotificationSender): RecordingNotificationSender => {
  const sent: Notification[] = [];
  return {
    send: async (notification) => {
      await forward?.send(notification);
      sent.push(notification);
    },
    sent: () => [...sent],
  };
};

/** One line per notification: `[email] order_completed order o-1 {}`. */
export const formatNotification = (n: Notification): string =>
  `[${n.channel}] ${n.template} order ${n.orderId}${n.customerId === undefined ? '' : ` customer ${n.customerId}`} ${JSON.stringify(n.data)}`;

/** A sender that writes each notification as one line (to the console by default): for demos and development. */
export const createConsoleNotificationSender = (
  writeLine: (line: string) => void = (line) => console.log(line),
): NotificationSender => ({
  send: async (notification) => writeLine(formatNotification(notification)),
});
