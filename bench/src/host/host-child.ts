/**
 * The second process of the host bench's two-process configuration: a host on the same
 * PostgreSQL database and Kafka topics as the parent, running the roles the parent does not.
 *
 * Started by host-bench.ts with an IPC channel, once per configuration, so that its code is as
 * warm as the parent's after the warm-up round. Protocol (parent -> child -> parent):
 * - `{ type: 'start', settings }` creates a host on those settings -> `{ type: 'ready' }`;
 * - `{ type: 'timings' }` -> `{ type: 'timings', cpuMs, groups }`: CPU since the start and each
 *   consumer group's handler time so far (see group-timing.ts);
 * - `{ type: 'stop' }` stops it -> `{ type: 'stopped', timedOut }`;
 * - `{ type: 'exit' }` ends the process; so does the parent going away (after a stop).
 * A failure answers `{ type: 'failed', error }`.
 */
import { createHost, type Host, type HostRole } from '@ordo/host';
import type pg from 'pg';
import { benchPool } from './bench-pool';
import { createGroupTimer, type GroupTimer, type GroupTimes } from './group-timing';

/** What the parent tells the child to run. */
export interface ChildSettings {
  readonly databaseUrl: string;
  readonly brokers: ReadonlyArray<string>;
  readonly topicPrefix: string;
  readonly instanceId: string;
  readonly roles: ReadonlyArray<HostRole>;
  /** Connections of the host's pool; the host's default when absent. */
  readonly maxConnections?: number;
}

/** Messages from the parent to the child. */
export type ParentMessage =
  | { readonly type: 'start'; readonly settings: ChildSettings }
  | { readonly type: 'timings' }
  | { readonly type: 'stop' }
  | { readonly type: 'exit' };

/** Messages from the child to the parent. */
export type ChildMessage =
  | { readonly type: 'ready' }
  | { readonly type: 'timings'; readonly cpuMs: number; readonly groups: GroupTimes }
  | { readonly type: 'stopped'; readonly timedOut: boolean }
  | { readonly type: 'failed'; readonly error: string };

const send = (message: ChildMessage) =>
  new Promise<void>((resolve) => {
    if (process.send === undefined || !process.connected) resolve();
    else process.send(message, () => resolve());
  });

const describe = (error: unknown) => (error instanceof Error ? (error.stack ?? error.message) : String(error));
const cpuMs = () => {
  const usage = process.cpuUsage();
  return (usage.user + usage.system) / 1000;
};

let host: Host | undefined;
let timer: GroupTimer | undefined;
let pool: pg.Pool | undefined;
let cpuAtStart = 0;

const stop = async () => {
  const running = host;
  host = undefined;
  const report = await running?.stop({ deadlineMs: 10_000 });
  const ending = pool;
  pool = undefined;
  await ending?.end().catch(() => undefined);
  return { timedOut: report?.timedOut ?? false };
};

const handle = async (message: ParentMessage) => {
  switch (message.type) {
    case 'start': {
      const s = message.settings;
      cpuAtStart = cpuMs();
      timer = createGroupTimer();
      pool = benchPool(s.databaseUrl, s.maxConnections ?? 10);
      host = await createHost({
        run: 'auto',
        store: { kind: 'postgres', pool },
        messaging: { kind: 'kafka', brokers: s.brokers, topicPrefix: s.topicPrefix },
        roles: s.roles,
        instanceId: s.instanceId,
        simulation: { wrapConsumer: timer.wrapConsumer },
      });
      await send({ type: 'ready' });
      return;
    }
    case 'timings':
      await send({ type: 'timings', cpuMs: cpuMs() - cpuAtStart, groups: timer?.snapshot() ?? {} });
      return;
    case 'stop':
      await send({ type: 'stopped', ...(await stop()) });
      return;
    case 'exit':
      await stop();
      process.exit(0);
  }
};

if (process.send === undefined) {
  process.stderr.write('host-child.ts is started by host-bench.ts (it needs an IPC channel)\n');
  process.exit(2);
}
// One message at a time, in order: a stop never overtakes the start before it.
let queue = Promise.resolve();
process.on('message', (message: ParentMessage) => {
  queue = queue.then(() => handle(message).catch((error: unknown) => send({ type: 'failed', error: describe(error) })));
});
process.on('disconnect', () => {
  void stop().finally(() => process.exit(0));
});
