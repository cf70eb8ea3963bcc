import type { DependencyContainer } from './di';
import { HostNotSettledError, HostWorkerError, type PendingWork } from './host-errors';
import { projectionRunners } from './host-projections';
import { HostTokens as T, resolveService } from './tokens';

/** What one `runUntilIdle` did. */
export interface IdleReport {
  /** Rounds that found work (the last, empty round is not counted). */
  readonly steps: number;
  /** Outbox messages published to the bus. */
  readonly published: number;
  /** Saga log steps taken (reading batches, dispatching actions). */
  readonly sagaSteps: number;
  readonly timeoutsFired: number;
  readonly carrierActions: number;
  /** Events folded into the read models, summed over the projections. */
  readonly projected: number;
}

/** Options of one `runUntilIdle`. */
export interface IdleOptions {
  /**
   * Rounds allowed before giving up with {@link HostNotSettledError} (default 1000). A round runs
   * every worker once on everything it has; a few rounds settle a batch of orders.
   */
  readonly maxSteps?: number;
}

/** Drives the host's workers by hand (there is no background loop in the in-memory host). */
export interface IdlePump {
  run(options?: IdleOptions): Promise<IdleReport>;
  pending(): Promise<PendingWork>;
  /** When the next scheduled timeout or carrier action falls due, if any. */
  nextWakeUp(): Date | undefined;
}

/**
 * Creates the pump of the workers resolved from `container`. A round: relay the outbox to the
 * bus and let the bus consumers (saga inputs, notifications, carrier) drain; dispatch what the
 * saga's new events ask for and let the gateway calls answer; let the carrier act on what is due;
 * fold the new events into the read models. Only a round that found nothing to do fires the saga
 * timeouts due at the clock's time, so an answer already on its way wins over its timeout; the
 * pump stops when that finds nothing either. It never moves the clock: work due later (a
 * timeout, a slow carrier) waits for the clock to get there and for another run.
 */
export const createIdlePump = (container: DependencyContainer): IdlePump => {
  const outbox = resolveService(container, T.Outbox);
  const bus = resolveService(container, T.MessageBus);
  const relay = resolveService(container, T.OutboxRelay);
  const sagaRunner = resolveService(container, T.SagaRunner);
  const paymentService = resolveService(container, T.PaymentService);
  const carrier = resolveService(container, T.ShippingSimulator);
  const scheduler = resolveService(container, T.Scheduler);
  const audit = resolveService(container, T.Audit);
  const runners = projectionRunners(resolveService(container, T.Projections));

  const pending = async (): Promise<PendingWork> => ({
    outbox: await outbox.pending(),
    paymentCalls: paymentService.inFlight(),
    timeouts: scheduler.pending().length,
    carrierActionsDue: carrier.due(),
  });

  /** Waits until neither the bus nor the payment service has anything in flight. */
  const drain = async (): Promise<void> => {
    do {
      await bus.idle();
      await paymentService.idle();
    } while (paymentService.inFlight() > 0);
  };

  /** One round of everything but the timeouts. */
  const round = async () => {
    const published = await relay.drain();
    await drain();
    const sagaSteps = await sagaRunner.dispatchAll();
    await drain();
    let carrierActions = 0;
    while (await carrier.act()) carrierActions += 1;
    await drain();
    let projected = 0;
    for (const runner of runners) for (let n = await runner.step(); n > 0; n = await runner.step()) projected += n;
    return { published, sagaSteps, timeoutsFired: 0, carrierActions, projected };
  };

  /** Fires the saga timeouts due at the clock's time, once everything else is done. */
  const timeoutRound = async () => {
    const timeoutsFired = await sagaRunner.fireDueTimeouts();
    await drain();
    return { published: 0, sagaSteps: 0, timeoutsFired, carrierActions: 0, projected: 0 };
  };

  return {
    pending,
    nextWakeUp: () => {
      const times = [scheduler.nextDueAt()?.getTime(), carrier.nextDueAt()].filter((t): t is number => t !== undefined);
      return times.length === 0 ? undefined : new Date(Math.min(...times));
    },
    run: async (options = {}) => {
      const maxSteps = options.maxSteps ?? 1_000;
      const failuresBefore = audit.failures().length;
      const total = { steps: 0, published: 0, sagaSteps: 0, timeoutsFired: 0, carrierActions: 0, projected: 0 };
      for (;;) {
        let r = await round();
        let busy = r.published + r.sagaSteps + r.carrierActions + r.projected > 0 || (await outbox.pending()) > 0;
        if (!busy) {
          r = await timeoutRound();
          busy = r.timeoutsFired > 0;
        }
        const failures = audit.failures().slice(failuresBefore);
        if (failures.length > 0) throw new HostWorkerError(failures);
        if (!busy) return total;
        total.steps += 1;
        total.published += r.published;
        total.sagaSteps += r.sagaSteps;
        total.timeoutsFired += r.timeoutsFired;
        total.carrierActions += r.carrierActions;
        total.projected += r.projected;
        if (total.steps >= maxSteps) throw new HostNotSettledError(total.steps, await pending());
      }
    },
  };
};
