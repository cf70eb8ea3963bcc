import { invalidOptionError } from '@ordo/kernel';
import type { AppendResult } from '@ordo/kernel';

import type { AppendRequest } from './append-request';

/** The result of one append inside a group: a value or the error that append alone rejects with. */
export type AppendOutcome =
  { readonly ok: true; readonly result: AppendResult } | { readonly ok: false; readonly error: unknown };

/** Writes one group in one transaction; answers one outcome per request, in order. Throws when the whole group failed. */
export type GroupWriter = (group: ReadonlyArray<AppendRequest>) => Promise<ReadonlyArray<AppendOutcome>>;

/**
 * Group-commit tuning of a store (its `groupCommit` option). Each value must be a positive
 * integer (`InvalidInputError` `invalid_options` at `groupCommit.<name>` otherwise).
 */
export interface GroupCommitOptions {
  /** Most appends coalesced into one transaction. Default 500. */
  readonly maxAppends?: number;
  /** Most serialised data (UTF-16 code units of data + metadata JSON) per group; a larger single append still goes alone. Default 8 Mi. */
  readonly maxSize?: number;
  /**
   * Groups in flight at once. The store's write lock serialises their transactions anyway; a
   * second one in flight has its statement parsed and waiting on the lock, which hides a round
   * trip, but groups get smaller and are no longer written in submission order. Default 1.
   */
  readonly maxInFlight?: number;
}

interface Pending {
  readonly request: AppendRequest;
  readonly resolve: (result: AppendResult) => void;
  readonly reject: (error: unknown) => void;
}

/**
 * Group commit: appends that arrive while a commit is in flight wait in a queue and are written
 * together by the next single transaction, so many appends share one round trip and one WAL
 * flush. A lone append does not wait for company: with nothing in flight it is written on the
 * next turn of the event loop. With one group in flight (the default) appends are written in the
 * order they were submitted.
 *
 * Each append gets its own outcome (its own conflict, duplicate or hook failure does not fail
 * its neighbours). An append whose event ids repeat an id of an earlier append of the forming
 * group is left for the next group, so that the second one sees the first as stored (and is
 * answered by the idempotency rule) instead of both racing inside one statement.
 *
 * When the writer throws (connection lost, server down) every append of that group rejects with
 * that error: the outcome is unknown if the connection died during COMMIT, and a retry with the
 * same event ids is safe (idempotent).
 */
export class GroupCommitQueue {
  private queue: Pending[] = [];
  private pumpScheduled = false;
  private groupsWritten = 0;
  private appendsWritten = 0;
  private inFlight = 0;
  private idle: Array<() => void> = [];
  private readonly maxAppends: number;
  private readonly maxSize: number;
  private readonly maxInFlight: number;

  constructor(
    private readonly write: GroupWriter,
    options: GroupCommitOptions = {},
  ) {
    this.maxAppends = positive(options.maxAppends, 500, 'maxAppends');
    this.maxSize = positive(options.maxSize, 8 * 1024 * 1024, 'maxSize');
    this.maxInFlight = positive(options.maxInFlight, 1, 'maxInFlight');
  }

  /** Queues an append; resolves or rejects with that append's own outcome. */
  submit(request: AppendRequest): Promise<AppendResult> {
    return new Promise<AppendResult>((resolve, reject) => {
      this.queue.push({ request, resolve, reject });
      this.schedulePump();
    });
  }

  /** Appends queued or in flight right now. */
  get pending(): number {
    return this.queue.length + this.inFlight;
  }

  /** Groups written so far and the appends they carried (their ratio is the mean group size). */
  get stats(): { readonly groups: number; readonly appends: number } {
    return { groups: this.groupsWritten, appends: this.appendsWritten };
  }

  /** Resolves once nothing is queued or in flight. */
  drain(): Promise<void> {
    if (this.pending === 0) return Promise.resolve();
    return new Promise((resolve) => this.idle.push(resolve));
  }

  /**
   * Forms the next group after the current macrotask: appends started together (a
   * `Promise.all`) and callers whose previous append just resolved (their continuations are
   * microtasks) all get queued first and share one group. The delay is one event-loop turn.
   */
  private schedulePump(): void {
    if (this.pumpScheduled) return;
    this.pumpScheduled = true;
    setImmediate(() => {
      this.pumpScheduled = false;
      this.pump();
    });
  }

  private pump(): void {
    while (this.inFlight < this.maxInFlight && this.queue.length > 0) {
      const group = this.takeGroup();
      this.inFlight += 1;
      void this.run(group);
    }
    if (this.pending === 0 && !this.pumpScheduled) {
      const waiters = this.idle;
      this.idle = [];
      for (const w of waiters) w();
    }
  }

  private takeGroup(): Pending[] {
    const group: Pending[] = [];
    const rest: Pending[] = [];
    const ids = new Set<string>();
    let size = 0;
    let i = 0;
    for (; i < this.queue.length && group.length < this.maxAppends; i++) {
      const item = this.queue[i]!;
      const { request } = item;
      if (group.length > 0 && size + request.size > this.maxSize) break;
      if (request.eventIds.some((id) => ids.has(id))) {
        rest.push(item);
        continue;
      }
      for (const id of request.eventIds) ids.add(id);
      size += request.size;
      group.push(item);
    }
    this.queue = rest.length === 0 && i === this.queue.length ? [] : [...rest, ...this.queue.slice(i)];
    return group;
  }

  private async run(group: ReadonlyArray<Pending>): Promise<void> {
    this.groupsWritten += 1;
    this.appendsWritten += group.length;
    try {
      const outcomes = await this.write(group.map((p) => p.request));
      group.forEach((p, i) => {
        const outcome = outcomes[i];
        if (outcome === undefined) p.reject(new Error('ordo: the group writer answered fewer outcomes than appends'));
        else if (outcome.ok) p.resolve(outcome.result);
        else p.reject(outcome.error);
      });
    } catch (error) {
      for (const p of group) p.reject(error);
    } finally {
      this.inFlight -= 1;
      this.schedulePump();
    }
  }
}

const positive = (value: number | undefined, fallback: number, name: string): number => {
  if (value === undefined) return fallback;
  if (!Number.isInteger(value) || value < 1)
    throw invalidOptionError(`groupCommit.${name}`, 'a positive integer', value);
  return value;
};
