import {
  type AnyEvent,
  type ReadAllOptions,
  type RecordedEvent,
  type SubscribeOptions,
  type Subscription,
} from '@ordo/kernel';
import { catchUpSubscription } from '@ordo/kernel/adapter-kit';

/** The live side of the in-memory event store: `subscribeToAll`, woken by each commit. */
export interface LogSubscriptions<E extends AnyEvent> {
  /** `EventStore.subscribeToAll`: a kernel catch-up subscription over the log. */
  subscribeToAll(options: SubscribeOptions<E>): Subscription;
  /** Wakes every subscription waiting for an append; the store calls it after each commit. */
  wakeWaiters(): void;
}

/** A catch-up subscription yields to the event loop once every this many reads. */
const YIELD_EVERY_READS = 16;

const yieldToEventLoop = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));

/** Creates the {@link LogSubscriptions} of a store over `log`, reading with `readAll`. */
export const createLogSubscriptions = <E extends AnyEvent>(
  log: ReadonlyArray<RecordedEvent<E>>,
  readAll: (options: ReadAllOptions) => RecordedEvent<E>[],
): LogSubscriptions<E> => {
  let wakers: Array<() => void> = [];

  const subscribeToAll = (subscribeOptions: SubscribeOptions<E>): Subscription => {
    // The log length at this subscription's last read: an append between that read and the
    // wait must not be missed, so the wait returns at once when the log has grown since.
    let seen = 0;
    let reads = 0;
    return catchUpSubscription<E>(
      {
        readAll: async (readOptions) => {
          // Memory reads never wait for I/O: a long catch-up yields to the event loop now and
          // then so that timers and sockets of the process keep running.
          if (++reads % YIELD_EVERY_READS === 0) await yieldToEventLoop();
          seen = log.length;
          return readAll(readOptions);
        },
        waitForAppend: (signal) =>
          new Promise<void>((resolve) => {
            if (log.length > seen || signal.aborted) return resolve();
            const wake = () => {
              signal.removeEventListener('abort', abort);
              resolve();
            };
            const abort = () => {
              wakers = wakers.filter((w) => w !== wake);
              resolve();
            };
            wakers.push(wake);
            signal.addEventListener('abort', abort, { once: true });
          }),
      },
      subscribeOptions,
    );
  };

  const wakeWaiters = (): void => {
    if (wakers.length > 0) {
      const woken = wakers;
      wakers = [];
      for (const wake of woken) wake();
    }
  };

  return { subscribeToAll, wakeWaiters };
};
