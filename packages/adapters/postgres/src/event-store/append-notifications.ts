import type { Pool, PoolClient } from 'pg';
import type { SchemaName } from '../schema/schema-name';

/** The NOTIFY channel on which a store announces committed appends (at most 63 bytes). */
export const notificationChannel = (schema: SchemaName): string => {
  const channel = `ordo_events_${schema.name}`;
  if (channel.length <= 63) return channel;
  // FNV-1a of the full name keeps long names that share a prefix apart.
  let hash = 0x811c9dc5;
  for (let i = 0; i < schema.name.length; i++) {
    hash ^= schema.name.charCodeAt(i);
    hash = Math.imul(hash, 0x01000193) >>> 0;
  }
  return `ordo_events_${schema.name.slice(0, 42)}_${hash.toString(16).padStart(8, '0')}`;
};

/** Options of {@link AppendNotifications}. */
export interface AppendNotificationsOptions {
  /** Open the LISTEN connection (default true); without it waits end by polling only. */
  readonly listen?: boolean;
  /** Longest wait without a notification before a reader polls anyway. Default 500 ms. */
  readonly pollIntervalMs?: number;
  /** Shortest pause between two attempts to (re)connect the listener. Default 1000 ms. */
  readonly reconnectDelayMs?: number;
  /** Receives listener connection problems (they only slow delivery down to the poll interval). */
  readonly onError?: (error: unknown) => void;
}

/**
 * Wakes readers when appends commit. `ordo_append` sends `pg_notify(channel, last position)`
 * inside the append transaction, so a notification is delivered only after COMMIT (and never for
 * a rolled-back append). One dedicated pool client per store runs `LISTEN`; it is opened on the
 * first wait and reopened after it drops (at most once per `reconnectDelayMs`).
 *
 * Notifications only shorten waits: a waiter also wakes after `pollIntervalMs`, so delivery
 * continues (slower) while the listener is down, behind a transaction-pooling proxy where LISTEN
 * does not work, or when a notification is lost.
 *
 * Missed-wakeup guard: every notification (and every local commit, and every listener reconnect)
 * bumps `generation`. A reader notes the generation before it reads; `wait(since)` returns at once
 * when the generation moved since then, so an append committed between the read and the wait is
 * never slept through.
 */
export class AppendNotifications {
  private generationValue = 0;
  private waiters = new Set<() => void>();
  private client: PoolClient | undefined;
  private connecting: Promise<void> | undefined;
  private lastAttempt = -Infinity;
  private retryTimer: ReturnType<typeof setTimeout> | undefined;
  private closed = false;
  private readonly pollIntervalMs: number;
  private readonly reconnectDelayMs: number;

  constructor(
    private readonly pool: Pool,
    private readonly channel: string,
    private readonly options: AppendNotificationsOptions = {},
  ) {
    this.pollIntervalMs = options.pollIntervalMs ?? 500;
    this.reconnectDelayMs = options.reconnectDelayMs ?? 1000;
  }

  /** Changes whenever new events may have been committed. */
  get generation(): number {
    return this.generationValue;
  }

  /** True while the LISTEN connection is up. */
  get listening(): boolean {
    return this.client !== undefined;
  }

  /** Signals that events may have been committed (a notification, or this process's own commit). */
  bump(): void {
    this.generationValue += 1;
    const waiters = this.waiters;
    this.waiters = new Set();
    for (const wake of waiters) wake();
  }

  /**
   * Resolves when the generation differs from `since`, after the poll interval, or when `signal`
   * aborts; never rejects.
   */
  wait(since: number, signal: AbortSignal): Promise<void> {
    if (this.closed || signal.aborted || this.generationValue !== since) return Promise.resolve();
    const waiting = new Promise<void>((resolve) => {
      const done = () => {
        clearTimeout(timer);
        signal.removeEventListener('abort', done);
        this.waiters.delete(done);
        resolve();
      };
      const timer = setTimeout(done, this.pollIntervalMs);
      signal.addEventListener('abort', done, { once: true });
      this.waiters.add(done);
    });
    this.ensureListening();
    return waiting;
  }

  /** Stops listening and wakes every waiter. */
  async close(): Promise<void> {
    this.closed = true;
    if (this.retryTimer !== undefined) clearTimeout(this.retryTimer);
    this.bump();
    await this.connecting?.catch(() => undefined);
    this.drop(undefined);
  }

  /**
   * Starts the listener if it is down. Attempts are at least `reconnectDelayMs` apart; an attempt
   * that is too early is scheduled for later (while someone waits).
   */
  ensureListening(): void {
    if (this.closed || this.client || this.connecting || this.options.listen === false) return;
    const now = Date.now();
    const early = this.lastAttempt + this.reconnectDelayMs - now;
    if (early > 0) {
      if (this.retryTimer === undefined && this.waiters.size > 0) {
        this.retryTimer = setTimeout(() => {
          this.retryTimer = undefined;
          this.ensureListening();
        }, early);
        this.retryTimer.unref();
      }
      return;
    }
    this.lastAttempt = now;
    this.connecting = this.connect()
      .catch((error: unknown) => {
        this.options.onError?.(error);
      })
      .finally(() => {
        this.connecting = undefined;
        if (!this.client && this.waiters.size > 0) this.ensureListening();
      });
  }

  private async connect(): Promise<void> {
    const client = await this.pool.connect();
    const onError = (error: unknown) => {
      this.options.onError?.(error);
      if (this.client === client) this.drop(error instanceof Error ? error : new Error(String(error)));
    };
    client.on('error', onError);
    client.on('end', () => {
      if (this.client === client) this.drop(new Error('listener connection ended'));
    });
    client.on('notification', (message) => {
      if (message.channel === this.channel) this.bump();
    });
    try {
      await client.query(`LISTEN "${this.channel}"`);
    } catch (error) {
      client.removeListener('error', onError);
      client.release(error instanceof Error ? error : true);
      throw error;
    }
    if (this.closed) {
      client.release(true);
      return;
    }
    this.client = client;
    // Appends may have committed while nobody listened: let readers look again.
    this.bump();
  }

  private drop(error: Error | undefined): void {
    const client = this.client;
    if (!client) return;
    this.client = undefined;
    client.removeAllListeners('notification');
    client.removeAllListeners('end');
    // Keep an error listener: a late socket error must not crash the process.
    client.on('error', () => undefined);
    // A LISTENing session must not go back to the pool: destroy it.
    client.release(error ?? true);
    this.bump();
  }
}
