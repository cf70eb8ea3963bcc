/**
 * One writer process of the hot-stream bench (`hot-stream-bench.ts` forks it): its own pool,
 * its own PostgreSQL event store and, each round, a fresh command handler with the round's retry
 * policy. On the parent's word it fires commands at one stream, all at once (`burst`) or at a
 * steady rate (`rate`), and answers what happened: outcomes, append attempts per command, the
 * WrongExpectedVersionErrors its store threw, and each command's latency.
 *
 *   fork('hot-stream-worker.ts', [databaseUrl, schema], { execArgv: ['--conditions=ordo-source', '--import', 'tsx'] })
 */
import { PostgresEventStore } from '@ordo/adapter-postgres';
import {
  accept,
  type ConflictBackoff,
  createCommandHandler,
  type Decider,
  type EventStore,
  isWrongExpectedVersionError,
  jitteredBackoff,
  noBackoff,
} from '@ordo/kernel';
import { performance } from 'node:perf_hooks';
import pg from 'pg';

/** The retry policy of a round; fields left out take the kernel's defaults. */
export interface Policy {
  readonly maxRetries?: number;
  /** `jittered` is `jitteredBackoff({ baseMs, maxMs })` (the default); `none` is `noBackoff`. */
  readonly backoff?:
    { readonly kind: 'jittered'; readonly baseMs?: number; readonly maxMs?: number } | { readonly kind: 'none' };
}

/** What the parent asks for. */
export type WorkerRequest =
  | {
      readonly type: 'round';
      readonly id: number;
      readonly streamId: string;
      /** Prefix of this worker's command ids in the round (unique per round and process). */
      readonly commandPrefix: string;
      readonly policy: Policy;
      /** Wall-clock time (ms since the epoch, `performance.timeOrigin + performance.now()`) to start at. */
      readonly startAt: number;
      readonly load:
        | { readonly mode: 'burst'; readonly commands: number }
        | { readonly mode: 'rate'; readonly perSecond: number; readonly seconds: number };
    }
  | { readonly type: 'exit' };

/** What one round answered. */
export interface RoundReport {
  readonly type: 'result';
  readonly id: number;
  readonly commands: number;
  readonly succeeded: number;
  /** Commands that ended as `ConcurrencyConflict` (retry budget exhausted). */
  readonly gaveUp: number;
  /** Append attempts (one per decision). */
  readonly appends: number;
  /** WrongExpectedVersionErrors the store threw: each one cost a retry (or ended a command). */
  readonly conflicts: number;
  /** Append attempts of each command. */
  readonly attempts: ReadonlyArray<number>;
  /** Milliseconds from `handle` to its answer, per command. */
  readonly latenciesMs: ReadonlyArray<number>;
  /** Wall-clock ms of the first command and of the last answer. */
  readonly startedAt: number;
  readonly endedAt: number;
}

export type WorkerMessage =
  { readonly type: 'ready' } | RoundReport | { readonly type: 'error'; readonly message: string };

/** The bench's command: bump a counter; its event records how many events the stream had. */
export interface Bump {
  readonly type: 'Bump';
  readonly streamId: string;
}
export interface Bumped {
  readonly type: 'Bumped';
  /** Events in the stream when the command was decided: the event's version, if nothing raced it. */
  readonly seen: number;
}
interface Counter {
  readonly count: number;
}

const counter: Decider<Bump, Bumped, Counter> = {
  initialState: { count: 0 },
  decide: (_command, state) => accept({ type: 'Bumped', seen: state.count }),
  evolve: (state) => ({ count: state.count + 1 }),
};

const now = () => performance.timeOrigin + performance.now();
const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, Math.max(0, ms)));

const backoffOf = (policy: Policy): ConflictBackoff | undefined => {
  const b = policy.backoff;
  if (b === undefined) return undefined;
  if (b.kind === 'none') return noBackoff;
  return jitteredBackoff({
    ...(b.baseMs === undefined ? {} : { baseMs: b.baseMs }),
    ...(b.maxMs === undefined ? {} : { maxMs: b.maxMs }),
  });
};

const send = (message: WorkerMessage) => process.send!(message);

const main = async () => {
  const [url, schema] = process.argv.slice(2);
  if (url === undefined || schema === undefined || process.send === undefined) {
    throw new Error(
      'hot-stream-worker: run by hot-stream-bench.ts (fork with IPC), arguments: <database url> <schema>',
    );
  }
  const pool = new pg.Pool({ connectionString: url, max: 10 });
  pool.on('error', () => undefined);
  // The parent migrated the schema.
  const store = new PostgresEventStore({ pool, schema }) as unknown as EventStore<Bumped>;

  // Append attempts per command id and WrongExpectedVersionErrors, for the current round.
  let attempts = new Map<string, number>();
  let appends = 0;
  let conflicts = 0;
  const counting: EventStore<Bumped> = {
    appendToStream: async (streamId, events, options) => {
      const commandId = events[0]?.metadata.commandId ?? '';
      attempts.set(commandId, (attempts.get(commandId) ?? 0) + 1);
      appends += 1;
      try {
        return await store.appendToStream(streamId, events, options);
      } catch (error) {
        if (isWrongExpectedVersionError(error)) conflicts += 1;
        throw error;
      }
    },
    readStream: (streamId, options) => store.readStream(streamId, options),
    readAll: (options) => store.readAll(options),
    subscribeToAll: (options) => store.subscribeToAll(options),
  };

  // Open the pool's connections before the first timed round.
  await Promise.all(Array.from({ length: 10 }, () => pool.query('SELECT 1')));

  const round = async (request: Extract<WorkerRequest, { type: 'round' }>): Promise<RoundReport> => {
    attempts = new Map();
    appends = 0;
    conflicts = 0;
    const backoff = backoffOf(request.policy);
    const handler = createCommandHandler<Bump, Bumped, Counter>({
      decider: counter,
      store: counting,
      streamId: (c) => c.streamId,
      ...(request.policy.maxRetries === undefined ? {} : { maxRetries: request.policy.maxRetries }),
      ...(backoff === undefined ? {} : { backoff }),
    });
    const latenciesMs: number[] = [];
    let succeeded = 0;
    let gaveUp = 0;
    let issued = 0;
    const one = async () => {
      const i = issued++;
      const commandId = `${request.commandPrefix}-${i}`;
      const t0 = performance.now();
      const result = await handler.handle(
        { type: 'Bump', streamId: request.streamId },
        { commandId, occurredAt: '2026-01-01T00:00:00Z' },
      );
      latenciesMs.push(performance.now() - t0);
      if (result._tag === 'Right') succeeded += 1;
      else if (result.left._tag === 'ConcurrencyConflict') gaveUp += 1;
      else throw new Error(`command ${commandId} failed: ${result.left._tag} ${result.left.message}`);
    };

    await sleep(request.startAt - now());
    const startedAt = now();
    const running: Promise<void>[] = [];
    if (request.load.mode === 'burst') {
      for (let i = 0; i < request.load.commands; i++) running.push(one());
    } else {
      // Open loop: command k is issued at startedAt + k / perSecond, whether earlier ones answered or not.
      const total = Math.round(request.load.perSecond * request.load.seconds);
      const gapMs = 1000 / request.load.perSecond;
      for (let k = 0; k < total; k++) {
        await sleep(startedAt + k * gapMs - now());
        running.push(one());
      }
    }
    await Promise.all(running);
    const endedAt = now();
    return {
      type: 'result',
      id: request.id,
      commands: issued,
      succeeded,
      gaveUp,
      appends,
      conflicts,
      attempts: [...attempts.values()],
      latenciesMs,
      startedAt,
      endedAt,
    };
  };

  process.on('message', (message: WorkerRequest) => {
    if (message.type === 'exit') {
      void pool.end().finally(() => process.exit(0));
      return;
    }
    round(message).then(send, (error: unknown) =>
      send({ type: 'error', message: error instanceof Error ? (error.stack ?? error.message) : String(error) }),
    );
  });
  // The parent died: nothing more will come.
  process.on('disconnect', () => process.exit(0));
  send({ type: 'ready' });
};

await main();
