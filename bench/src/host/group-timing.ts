/**
 * Where the time goes: how long each consumer group's handler ran, through the host's
 * `simulation.wrapConsumer` hook (a timer around each handler call, nothing else). A group handles
 * one message at a time (the in-memory bus by design; on Kafka one partition at a time per member),
 * so a group busy for most of a round is what bounds that round.
 */
import { performance } from 'node:perf_hooks';
import type { IncomingMessage } from '@ordo/kernel';

export interface GroupTime {
  readonly messages: number;
  readonly busyMs: number;
}

export type GroupTimes = Readonly<Record<string, GroupTime>>;

export interface GroupTimer {
  readonly wrapConsumer: (
    group: string,
    handle: (message: IncomingMessage) => Promise<void>,
  ) => (message: IncomingMessage) => Promise<void>;
  /** Totals since the host started. */
  snapshot(): GroupTimes;
}

export const createGroupTimer = (): GroupTimer => {
  const totals = new Map<string, { messages: number; busyMs: number }>();
  return {
    wrapConsumer: (group, handle) => {
      const total = { messages: 0, busyMs: 0 };
      totals.set(group, total);
      return async (message) => {
        const started = performance.now();
        try {
          await handle(message);
        } finally {
          total.messages += 1;
          total.busyMs += performance.now() - started;
        }
      };
    },
    snapshot: () => Object.fromEntries([...totals].map(([group, t]) => [group, { ...t }])),
  };
};

/** `after - before` per group. */
export const groupDelta = (before: GroupTimes, after: GroupTimes): GroupTimes =>
  Object.fromEntries(
    Object.entries(after).map(([group, t]) => [
      group,
      { messages: t.messages - (before[group]?.messages ?? 0), busyMs: t.busyMs - (before[group]?.busyMs ?? 0) },
    ]),
  );
