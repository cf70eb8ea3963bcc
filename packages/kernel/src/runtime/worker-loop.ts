import { invalidOptionError } from '../model/errors';
import { type BackoffPolicy, backoffDelay, seededRandom } from './backoff';
import type { Clock } from './clock';
import { type Wait, wait as timerWait } from './wait';

/** Options of {@link createWorkerLoop}. */
export interface WorkerLoopOptions {
  /** Names the worker in its health and seeds its jitter (workers named apart retry apart). */
  readonly name: string;
  /**
   * One unit of work. Answers how much it did: more than 0 runs the next step at once, 0 waits
   * `idleMs` first. A throw is a failed step: reported to `onError`, then retried after the
   * backoff. `signal` aborts when `stop()` is called: a long step may end early on it (the loop
   * waits for the step either way).
   */
  readonly step: (signal: AbortSignal) => Promise<number>;
  /** Wait after a step that did nothing, in ms; {@link WorkerLoop.wake} cuts it short. */
  readonly idleMs: number;
  /** Wait after a failed step, growing per consecutive failure. Default 200 ms doubling up to 5 s, jitter 0.2. */
  readonly backoff?: BackoffPolicy;
  /** Where the backoff's jitter comes from, numbers in [0, 1). Default: a sequence seeded by `name`. */
  readonly random?: () => number;
  /** How the loop waits (idle, backoff). Default: the runtime's `setTimeout` ({@link timerWait}). */
  readonly wait?: Wait;
  /** Told about every failed step, with the consecutive failure count (1 for the first). */
  readonly onError?: (error: unknown, failures: number) => void;
  /** Stamps `lastSuccessAt` / `lastFailureAt` in the health report; without it they stay unset. */
  readonly clock?: Clock;
}

/** What a {@link WorkerLoop} reports about itself. */
export interface WorkerHealth {
  readonly name: string;
  /** True between `start()` and the end of `stop()`. */
  readonly running: boolean;
  /** Steps that succeeded, since creation. */
  readonly steps: number;
  /** Steps that threw, since creation. */
  readonly failures: number;
  /** Steps that threw since the last one that succeeded (0 when healthy). */
  readonly consecutiveFailures: number;
  /** When the last step succeeded (with a clock). */
  readonly lastSuccessAt?: Date;
  /** When the last step threw (with a clock). */
  readonly lastFailureAt?: Date;
  /** What the last failed step threw. */
  readonly lastError?: unknown;
}

/** A background loop running one step after another. */
export interface WorkerLoop {
  readonly name: string;
  /** Starts the loop; a call while it runs (or is stopping) does nothing. */
  start(): void;
  /**
   * Asks the loop to stop: aborts the step's signal and cuts any wait short, then resolves once
   * the step in flight has finished. The loop may be started again afterwards.
   */
  stop(): Promise<void>;
  /**
   * Cuts an idle wait short (new work arrived). Called while a step runs, it makes the next idle
   * wait end at once, so a wake-up is never lost. It does not shorten a backoff after a failure.
   */
  wake(): void;
  /** True between `start()` and the end of `stop()`. */
  readonly running: boolean;
  health(): WorkerHealth;
}

/** The backoff of {@link createWorkerLoop} when none is given. */
export const DEFAULT_WORKER_BACKOFF: BackoffPolicy = { initialMs: 200, factor: 2, maxMs: 5_000, jitter: 0.2 };

/**
 * The one worker loop: `step` over and over, at once while it makes progress, after `idleMs`
 * when it did nothing, after the backoff when it threw (the loop never dies of a failed step).
 * One step at a time. Relays, projection runners and pollers of every adapter run on it.
 *
 * An empty `name` or an `idleMs` that is not a finite number >= 0 throws `InvalidInputError`
 * `invalid_options` naming the option.
 */
export const createWorkerLoop = (options: WorkerLoopOptions): WorkerLoop => {
  const { name, step, idleMs, onError, clock } = options;
  if (typeof name !== 'string' || name === '') throw invalidOptionError('name', 'a non-empty string', name);
  if (typeof idleMs !== 'number' || !Number.isFinite(idleMs) || idleMs < 0)
    throw invalidOptionError('idleMs', 'a finite number >= 0', idleMs);
  const backoff = options.backoff ?? DEFAULT_WORKER_BACKOFF;
  const random = options.random ?? seededRandom(name);
  const wait = options.wait ?? timerWait;

  let loop: Promise<void> | undefined;
  let stopping: AbortController | undefined;
  /** The wait in progress, if any, and whether `wake()` may cut it (idle) or not (backoff). */
  let pause: { readonly controller: AbortController; readonly idle: boolean } | undefined;
  let woken = false;
  let steps = 0;
  let failures = 0;
  let consecutiveFailures = 0;
  let lastSuccessAt: Date | undefined;
  let lastFailureAt: Date | undefined;
  let lastError: unknown;
  let hasFailed = false;

  const pauseFor = async (ms: number, idle: boolean, signal: AbortSignal): Promise<void> => {
    if (idle && woken) return;
    if (ms <= 0 || signal.aborted) return;
    const controller = new AbortController();
    pause = { controller, idle };
    try {
      await wait(ms, controller.signal);
    } catch {
      // A wait that rejects only ends the pause early.
    } finally {
      pause = undefined;
    }
  };

  const run = async (signal: AbortSignal): Promise<void> => {
    while (!signal.aborted) {
      // A wake-up before this step is answered by the step itself.
      woken = false;
      let idle: boolean;
      let ms: number;
      try {
        const done = await step(signal);
        steps += 1;
        consecutiveFailures = 0;
        lastSuccessAt = clock?.now();
        idle = true;
        ms = done > 0 ? 0 : idleMs;
      } catch (error) {
        failures += 1;
        consecutiveFailures += 1;
        lastFailureAt = clock?.now();
        lastError = error;
        hasFailed = true;
        try {
          onError?.(error, consecutiveFailures);
        } catch {
          // A throwing error handler must not end the loop.
        }
        idle = false;
        ms = backoffDelay(consecutiveFailures, backoff, random);
      }
      await pauseFor(ms, idle, signal);
    }
  };

  return {
    name,
    start() {
      if (loop !== undefined) return;
      const controller = new AbortController();
      stopping = controller;
      loop = run(controller.signal);
    },
    async stop() {
      const current = loop;
      if (current === undefined) return;
      stopping?.abort();
      pause?.controller.abort();
      await current;
      if (loop === current) {
        loop = undefined;
        stopping = undefined;
      }
    },
    wake() {
      woken = true;
      if (pause?.idle === true) pause.controller.abort();
    },
    get running() {
      return loop !== undefined;
    },
    health: () => ({
      name,
      running: loop !== undefined,
      steps,
      failures,
      consecutiveFailures,
      ...(lastSuccessAt === undefined ? {} : { lastSuccessAt }),
      ...(lastFailureAt === undefined ? {} : { lastFailureAt }),
      ...(hasFailed ? { lastError } : {}),
    }),
  };
};
