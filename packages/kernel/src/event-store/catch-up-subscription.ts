import type { AnyEvent, ReadAllOptions, SubscribeOptions, Subscription } from './event-store';
import type { RecordedEvent } from './recorded-event';

/** What an adapter supplies to {@link catchUpSubscription}. */
export interface CatchUpSource<E extends AnyEvent> {
  /** Reads the next batch after a position, in global order, none skipped. */
  readonly readAll: (options: ReadAllOptions) => Promise<ReadonlyArray<RecordedEvent<E>>>;
  /**
   * Resolves when new events may have been appended (a notification, a poll interval elapsing),
   * or when `signal` aborts. The kernel has no timers; the adapter owns this wait.
   */
  readonly waitForAppend: (signal: AbortSignal) => Promise<void>;
}

/** Default batch size of catch-up reads. */
export const DEFAULT_SUBSCRIPTION_BATCH = 500;

/**
 * The catch-up-then-live loop every adapter shares: read batches after the checkpoint until a
 * read comes back short (caught up), then wait for appends and read again. Events reach
 * `onEvent` one at a time in global order; a handler error ends the subscription (`done`
 * rejects) so that no event is ever skipped silently.
 */
export const catchUpSubscription = <E extends AnyEvent>(
  source: CatchUpSource<E>,
  options: SubscribeOptions<E>,
): Subscription => {
  const abort = new AbortController();
  const batchSize = options.batchSize ?? DEFAULT_SUBSCRIPTION_BATCH;
  let markCaughtUp: () => void = () => undefined;
  const caughtUp = new Promise<void>((resolve) => {
    markCaughtUp = resolve;
  });
  let position = options.after;

  const loop = async (): Promise<void> => {
    let isCaughtUp = false;
    while (!abort.signal.aborted) {
      const batch = await source.readAll({
        ...(position === undefined ? {} : { after: position }),
        maxCount: batchSize,
        ...(options.tenantId === undefined ? {} : { tenantId: options.tenantId }),
      });
      for (const event of batch) {
        if (abort.signal.aborted) return;
        await options.onEvent(event);
        position = event.globalPosition;
      }
      if (batch.length < batchSize) {
        if (!isCaughtUp) {
          isCaughtUp = true;
          markCaughtUp();
        }
        await source.waitForAppend(abort.signal);
      }
    }
  };

  const done = loop().finally(markCaughtUp);
  // A rejected `done` that nobody awaits must not crash the process; callers that care await it.
  done.catch(() => undefined);
  return {
    caughtUp,
    done,
    stop: async () => {
      abort.abort();
      await done.catch(() => undefined);
    },
  };
};
