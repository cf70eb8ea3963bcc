import { type AnyEvent, createWorkerLoop, type WorkerHealth } from '@ordo/kernel';
import type { DependencyContainer } from '../composition/di';
import type { HostRole } from '../composition/host-config';
import { describeError } from '../composition/host-audit';
import { projectionRunners } from '../composition/host-projections';
import { HostTokens as T, resolveService } from '../composition/tokens';
import type { ProjectionRunner } from '../workers/projection-runner';

/** A background worker of a running host. */
export interface HostWorker {
  readonly name: string;
  readonly role: HostRole;
  start(): void;
  stop(): Promise<void>;
  health(): WorkerHealth;
}

/**
 * A projection loop's step: one batch of `runner`, answering 0 (so the loop waits its poll
 * interval, as after an empty batch) when the batch was shorter than the runner's batch size,
 * i.e. reached the end of the log. Under load a read model then folds what arrived meanwhile in
 * one batch instead of a few events at a time: a fold copies each domain table it changes once,
 * whatever the batch's size, and those copies were about a sixth of an in-memory host's CPU. A
 * read model lags the log by at most about the poll interval either way. A failed step forgets
 * the runner's copy of its model (the next step reloads it) and throws to the loop.
 */
export const projectionLoopStep =
  (runner: Pick<ProjectionRunner<AnyEvent, unknown>, 'batchSize' | 'step' | 'reset'>) => async (): Promise<number> => {
    try {
      const read = await runner.step();
      return read >= runner.batchSize ? read : 0;
    } catch (error) {
      runner.reset();
      throw error;
    }
  };

/**
 * The loops of each role of a running host: the relay (its own loop), one loop per projection,
 * the timers that fire due timeouts, and the carrier acting on pickups that fall due later. A
 * failed step is reported to the audit and retried after the loop's backoff; a projection that
 * lost a race for its read model (another process saved first) forgets its copy and reloads.
 */
export const roleWorkers = (
  container: DependencyContainer,
  roles: ReadonlySet<HostRole>,
): ReadonlyArray<HostWorker> => {
  const config = resolveService(container, T.Config);
  const clock = resolveService(container, T.Clock);
  const audit = resolveService(container, T.Audit);
  const workers: HostWorker[] = [];
  const report = (name: string) => (error: unknown, failures: number) => {
    if (failures === 1 || failures % 20 === 0)
      audit.recordIncident(`${name} failed (${failures} in a row): ${describeError(error)}`);
  };
  if (roles.has('relay')) {
    const relay = resolveService(container, T.OutboxRelay);
    workers.push({
      name: 'relay',
      role: 'relay',
      start: () => relay.start(),
      stop: () => relay.stop(),
      health: () => ({ ...relay.health(), name: 'relay' }),
    });
  }
  if (roles.has('projections')) {
    for (const runner of projectionRunners(resolveService(container, T.Projections))) {
      const name = `projection:${runner.name}`;
      const loop = createWorkerLoop({
        name,
        idleMs: config.runtime.projectionPollMs,
        clock,
        step: projectionLoopStep(runner),
        onError: report(name),
      });
      workers.push({
        name,
        role: 'projections',
        start: () => loop.start(),
        stop: () => loop.stop(),
        health: () => loop.health(),
      });
    }
  }
  if (roles.has('timers')) {
    const timers = resolveService(container, T.Timers);
    const loop = createWorkerLoop({
      name: 'timers',
      idleMs: config.runtime.timerPollMs,
      clock,
      step: () => timers.fire(clock.now()),
      onError: report('timers'),
    });
    workers.push({
      name: 'timers',
      role: 'timers',
      start: () => loop.start(),
      stop: () => loop.stop(),
      health: () => loop.health(),
    });
  }
  if (roles.has('shipping')) {
    const carrier = resolveService(container, T.ShippingSimulator);
    const loop = createWorkerLoop({
      name: 'carrier',
      idleMs: config.runtime.carrierPollMs,
      clock,
      step: async () => {
        let acted = 0;
        while (await carrier.act()) acted += 1;
        return acted;
      },
      onError: report('carrier'),
    });
    workers.push({
      name: 'carrier',
      role: 'shipping',
      start: () => loop.start(),
      stop: () => loop.stop(),
      health: () => loop.health(),
    });
  }
  return workers;
};
