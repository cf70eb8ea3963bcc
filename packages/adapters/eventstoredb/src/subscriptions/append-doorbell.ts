import { wait } from '@ordo/kernel';
import { backoffDelay, type RetryPolicy } from './backoff';
import type { ClientSubscription } from '../client/client-port';

/**
 * A shared "something was appended" signal for a store's subscriptions. While at least one
 * subscription uses it, it holds one live EventStoreDB subscription to `$all` (from the end,
 * filtered server-side to the store's streams) and rings on every event; when that subscription
 * drops, it resubscribes with backoff and rings again, since events may have been missed while it
 * was down. Subscriptions still read everything through `readAll`: the bell only tells them when.
 */

/** One subscription's view of the bell. */
export interface DoorbellHandle {
  /**
   * Resolves at once if the bell rang since this handle's last wait returned, else on the next
   * ring, after `timeoutMs` (a poll, in case a ring was lost), or when `signal` aborts.
   */
  wait(signal: AbortSignal, timeoutMs: number): Promise<void>;
  /** Stops using the bell; the last release closes the live subscription. */
  release(): void;
}

/** Settings of {@link AppendDoorbell}. */
export interface DoorbellSettings {
  readonly retry?: RetryPolicy;
  /** Told about each failure of the live subscription before it is retried. */
  readonly onError?: (error: unknown, attempt: number) => void;
}

/** The bell itself: one per store, shared by the store's subscriptions (see the module comment). */
export class AppendDoorbell {
  private generation = 0;
  private readonly waiters = new Set<() => void>();
  private users = 0;
  private running: AbortController | undefined;

  constructor(
    private readonly subscribe: () => ClientSubscription,
    private readonly settings: DoorbellSettings = {},
  ) {}

  /** Starts using the bell (the first user opens the live subscription). */
  acquire(): DoorbellHandle {
    this.users++;
    if (this.running === undefined) {
      const running = new AbortController();
      this.running = running;
      void this.run(running.signal);
    }
    let seen = this.generation;
    let released = false;
    return {
      wait: (signal, timeoutMs) =>
        new Promise<void>((resolve) => {
          if (signal.aborted || this.generation !== seen) {
            seen = this.generation;
            return resolve();
          }
          const done = (): void => {
            clearTimeout(timer);
            signal.removeEventListener('abort', done);
            this.waiters.delete(done);
            seen = this.generation;
            resolve();
          };
          const timer = setTimeout(done, timeoutMs);
          signal.addEventListener('abort', done, { once: true });
          this.waiters.add(done);
        }),
      release: () => {
        if (released) return;
        released = true;
        this.users--;
        if (this.users === 0) this.close();
      },
    };
  }

  /** Closes the live subscription now, whatever the users (the store is being disposed). */
  close(): void {
    this.running?.abort();
    this.running = undefined;
  }

  private ring(): void {
    this.generation++;
    const waiting = [...this.waiters];
    this.waiters.clear();
    for (const wake of waiting) wake();
  }

  private async run(signal: AbortSignal): Promise<void> {
    let failures = 0;
    const aborted = new Promise<'aborted'>((resolve) => {
      if (signal.aborted) resolve('aborted');
      signal.addEventListener('abort', () => resolve('aborted'), { once: true });
    });
    while (!signal.aborted) {
      let subscription: ClientSubscription | undefined;
      const stop = (): void => void subscription?.unsubscribe().catch(() => undefined);
      try {
        subscription = this.subscribe();
        signal.addEventListener('abort', stop, { once: true });
        subscription.on('confirmation', () => {
          failures = 0;
          this.ring();
        });
        const iterator = subscription[Symbol.asyncIterator]();
        for (;;) {
          const next = await Promise.race([iterator.next(), aborted]);
          if (next === 'aborted' || next.done) break;
          this.ring();
        }
        if (!signal.aborted) failures++; // the server ended the subscription: reopen it
      } catch (error) {
        if (signal.aborted) break;
        failures++;
        this.settings.onError?.(error, failures);
      } finally {
        signal.removeEventListener('abort', stop);
      }
      if (signal.aborted) break;
      stop();
      await wait(backoffDelay(Math.max(failures, 1), this.settings.retry), signal);
      // Events may have landed while the subscription was down.
      this.ring();
    }
  }
}
