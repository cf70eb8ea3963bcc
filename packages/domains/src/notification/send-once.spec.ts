import { createInMemoryInbox } from '@ordo/adapter-memory';
import * as fc from 'fast-check';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { recordEvents } from '../shared/recorded';
import type { Notification, NotificationSender } from './notification';
import { type NotifiableEvent, notificationsFor } from './reactor';
import { notifyOnce, sendNotificationsOnce } from './send-once';

const at = '2024-05-01T10:00:00.000Z';

const recorder = (): NotificationSender & { readonly sent: Notification[] } => {
  const sent: Notification[] = [];
  return { sent, send: async (n) => void sent.push(n) };
};

const orderEvents = (n: number) =>
  recordEvents<NotifiableEvent>(
    Array.from({ length: n }, (_, i) => ({
      streamId: `order-o${i}`,
      event: { type: 'OrderCancelled' as const, orderId: `o${i}`, reason: 'out_of_stock', at },
    })),
  );

test('an event delivered twice sends its notification once', async () => {
  const inbox = createInMemoryInbox();
  const sender = recorder();
  const [event] = orderEvents(1);
  assert.equal(await notifyOnce(inbox, sender, event!), { sent: 1, duplicates: 0 });
  assert.equal(await notifyOnce(inbox, sender, event!), { sent: 0, duplicates: 1 });
  assert.is(sender.sent.length, 1);
  assert.equal(inbox.handled('notifications'), ['order-o0@0:order_cancelled']);
});

test('a failed send records nothing, so the redelivery sends it', async () => {
  const inbox = createInMemoryInbox();
  const sent: string[] = [];
  let failures = 1;
  const flaky: NotificationSender = {
    send: async (n) => {
      if (failures-- > 0) throw new Error('smtp down');
      sent.push(n.notificationId);
    },
  };
  const notifications = notificationsFor(orderEvents(1)[0]!);
  const failure = await sendNotificationsOnce(inbox, flaky, notifications).then(
    () => undefined,
    (error: unknown) => error,
  );
  assert.instance(failure, Error);
  assert.equal(sent, []);
  assert.equal(await sendNotificationsOnce(inbox, flaky, notifications), { sent: 1, duplicates: 0 });
  assert.equal(sent, [notifications[0]!.notificationId]);
});

test('property: whatever the duplicates and their order, each notification is sent exactly once', async () => {
  await fc.assert(
    fc.asyncProperty(
      fc.integer({ min: 1, max: 6 }).chain((n) =>
        fc.tuple(
          fc.constant(n),
          fc.shuffledSubarray(
            Array.from({ length: n * 3 }, (_, i) => i % n),
            { minLength: n * 3, maxLength: n * 3 },
          ),
        ),
      ),
      async ([n, deliveries]) => {
        const events = orderEvents(n);
        const inbox = createInMemoryInbox();
        const sender = recorder();
        // Each event arrives three times, in a shuffled order, sometimes concurrently.
        await Promise.all(deliveries.map((i) => notifyOnce(inbox, sender, events[i]!)));
        const ids = sender.sent.map((s) => s.notificationId).sort();
        const expected = events.flatMap((e) => notificationsFor(e).map((x) => x.notificationId)).sort();
        assert.equal(ids, expected);
      },
    ),
    { numRuns: 100 },
  );
});

test.run();
