import type { Position } from '@eventstore/db-client';
import {
  type AnyEvent,
  type ReadAllOptions,
  type RecordedEvent,
  type SubscribeOptions,
  type Subscription,
  wait,
} from '@ordo/kernel';
import { catchUpSubscription } from '@ordo/kernel/adapter-kit';
import type { DoorbellHandle } from './append-doorbell';
import { backoffDelay, type RetryPolicy } from './backoff';
import { isTransientError } from '../event-store/error-mapping';

/**
 * Catch-up subscriptions: the kernel's catch-up loop (`catchUpSubscription`) over this adapter's
 * `$all` reads, made to survive a dropped connection. A read that fails with a transient error
 * (server unreachable or restarting, connection dropped, node not leader) is retried with
 * exponential backoff from the last delivered position, so nothing is skipped and nothing is
 * delivered twice; other errors end the subscription (`done` rejects).
 */

/** How subscriptions wait and reconnect. */
export interface SubscriptionSettings {
  /**
   * Longest wait between two reads once caught up, in ms; defaults to 1000. With live
   * notifications on, new events are read as soon as they are announced and this is only a
   * safety net; with them off, it is the polling interval.
   */
  readonly pollIntervalMs?: number;
  /** Listen to a live server subscription to learn of new events at once; defaults to `true`. */
  readonly liveNotifications?: boolean;
  /** Backoff of reads (and of the live subscription) after a transient error. */
  readonly retry?: RetryPolicy;
  /** Which errors are retried; defaults to {@link isTransientError}. */
  readonly isRetryable?: (error: unknown) => boolean;
  /** Told about each retried error (for logs and metrics). */
  readonly onRetry?: (error: unknown, attempt: number) => void;
}

/** Default {@link SubscriptionSettings.pollIntervalMs}. */
export const DEFAULT_POLL_INTERVAL_MS = 1_000;

/** A scan of `$all`: the events found, and how far the log was read (past skipped events too). */
export interface ScanResult<E extends AnyEvent> {
  readonly events: ReadonlyArray<RecordedEvent<E>>;
  readonly scannedTo: Position | undefined;
}

/** Reads `$all` after `options.after`, or after `resumeFrom` (a raw position already scanned). */
export type ScanAll<E extends AnyEvent> = (options: ReadAllOptions, resumeFrom?: Position) => Promise<ScanResult<E>>;

/**
 * Starts a resilient catch-up subscription. `doorbell` (optional) announces appends; without it
 * the subscription polls.
 */
export const resilientSubscription = <E extends AnyEvent>(
  scan: ScanAll<E>,
  doorbell: DoorbellHandle | undefined,
  options: SubscribeOptions<E>,
  settings: SubscriptionSettings = {},
): Subscription => {
  const stopping = new AbortController();
  const pollIntervalMs = settings.pollIntervalMs ?? DEFAULT_POLL_INTERVAL_MS;
  const isRetryable = settings.isRetryable ?? isTransientError;
  const maxAttempts = settings.retry?.maxAttempts ?? Number.POSITIVE_INFINITY;
  // The kernel's loop asks for "after the last delivered event". When the previous read already
  // scanned past that point (over events of other streams or tenants), resume where it stopped
  // instead of scanning the same stretch of the log again on every wake-up.
  let resume: { readonly after: bigint | undefined; readonly scannedTo: Position | undefined } | undefined;

  const readAll = async (readOptions: ReadAllOptions): Promise<ReadonlyArray<RecordedEvent<E>>> => {
    for (let attempt = 1; ; attempt++) {
      if (stopping.signal.aborted) return [];
      try {
        const from = resume !== undefined && resume.after === readOptions.after ? resume.scannedTo : undefined;
        const { events, scannedTo } = await scan(readOptions, from);
        resume = { after: events[events.length - 1]?.globalPosition ?? readOptions.after, scannedTo };
        return events;
      } catch (error) {
        if (stopping.signal.aborted) return [];
        if (!isRetryable(error) || attempt > maxAttempts) throw error;
        settings.onRetry?.(error, attempt);
        await wait(backoffDelay(attempt, settings.retry), stopping.signal);
      }
    }
  };

  const waitForAppend = (signal: AbortSignal): Promise<void> =>
    doorbell === undefined ? wait(pollIntervalMs, signal) : doorbell.wait(signal, pollIntervalMs);

  const inner = catchUpSubscription<E>({ readAll, waitForAppend }, options);
  inner.done.then(
    () => doorbell?.release(),
    () => doorbell?.release(),
  );
  return {
    caughtUp: inner.caughtUp,
    done: inner.done,
    stop: async () => {
      stopping.abort();
      await inner.stop();
    },
  };
};
