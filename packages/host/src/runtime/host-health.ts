import type { WorkerHealth } from '@ordo/kernel';
import type { HostRole } from '../composition/host-config';

/** Whether one dependency answered. */
export interface DependencyHealth {
  readonly ok: boolean;
  /** Why not (a message, never a connection string). */
  readonly error?: string;
}

/** One worker as health reports it. */
export interface WorkerStatus extends WorkerHealth {
  readonly role: HostRole;
}

/** The host's health as data: what `/health/live` and `/health/ready` serve. */
export interface HostHealth {
  /** The process runs and has not been stopped. */
  readonly live: boolean;
  /** Live, store and broker reachable, every worker running and not failing past its bound, the outbox not lagging. */
  readonly ready: boolean;
  /** Why not ready (empty when ready). */
  readonly reasons: ReadonlyArray<string>;
  readonly roles: ReadonlyArray<HostRole>;
  readonly store: DependencyHealth & { readonly kind: string };
  readonly broker: DependencyHealth & { readonly kind: string };
  /** Outbox messages waiting to be published. */
  readonly outboxPending: number;
  readonly consumers: ReadonlyArray<string>;
  readonly workers: ReadonlyArray<WorkerStatus>;
}

/** Options of `Host.stop`. */
export interface StopOptions {
  /** Longest the shutdown may take, ms (default 10 000). */
  readonly deadlineMs?: number;
}

/** What `Host.stop` did. */
export interface StopReport {
  /** True when the deadline passed before everything stopped (what was left was closed anyway). */
  readonly timedOut: boolean;
  readonly elapsedMs: number;
}
