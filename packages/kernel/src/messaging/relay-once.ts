import type { Outbox } from './outbox';
import type { Publisher } from './publisher';

/** Runs one relay pass: claim, publish in order, mark. Answers how many were published. */
export const relayOnce = async (
  outbox: Outbox,
  publisher: Publisher,
  options: { readonly owner: string; readonly batchSize: number; readonly leaseMs: number },
): Promise<number> => {
  const claimed = await outbox.claim(options);
  if (claimed.length === 0) return 0;
  try {
    await publisher.publish(claimed);
  } catch (error) {
    await outbox
      .release(
        options.owner,
        claimed.map((m) => m.id),
      )
      .catch(() => undefined);
    throw error;
  }
  await outbox.markPublished(
    options.owner,
    claimed.map((m) => m.id),
  );
  return claimed.length;
};
