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
  nextWakeUp(): Promise<Date | undefined>;
}

/**
 * Creates the pump of the workers resolved from `container` (a manual host on in-memory
 * messaging). A round: relay the outbox to the bus and let the consumers drain (saga inputs,
 * command consumers, timers, carrier, notifications) and the gateway calls answer; let the
 * carrier act on what is due; fold the new events into the read models. Only a round that found
 * nothing to do fires the saga timeouts due at the clock's time, so an answer already on its way
 * wins over its timeout; the pump stops when that finds nothing either. It never moves the
 * clock: work due later (a timeout, a slow carrier) waits for the clock to get there and another run.
 */
export const createIdlePump = (container: DependencyContainer): IdlePump => {
  const backend = resolveService(container, T.StoreBackend);
  const messaging = resolveService(container, T.Messaging);
  const relay = resolveService(container, T.OutboxRelay);
  const paymentService = resolveService(container, T.PaymentService);
  const carrier = resolveService(container, T.ShippingSimulator);
  const timers = resolveService(container, T.Timers);
  const clock = resolveService(container, T.Clock);
  const audit = resolveService(container, T.Audit);
  const runners = projectionRunners(resolveService(container, T.Projections));
  const idle = messaging.idle ?? (async () => undefined);

  const pending = async (): Promise<PendingWork> => ({
    outbox: await backend.outboxPending(),
    paymentCalls: paymentService.inFlight(),
    timeouts: await timers.pending(),
    carrierActionsDue: carrier.due(),
  });

  /** Waits until neither the bus nor the payment service has anything in flight. */
  const drain = async (): Promise<void> => {
    do {
      await idle();
      await paymentService.idle();
    } while (paymentService.inFlight() > 0);
  };

  /** One round of everything but the timeouts. */
  const round = async () => {
    const published = await relay.drain();
    await drain();
    let carrierActions = 0;
    while (await carrier.act()) carrierActions += 1;
    await drain();
    let projected = 0;
    for (const runner of runners) for (let n = await runner.step(); n > 0; n = await runner.step()) projected += n;
    return { published, timeoutsFired: 0, carrierActions, projected };
  };

  /** Fires the saga timeouts due at the clock's time, once everything else is done. */
  const timeoutRound = async () => {
    const timeoutsFired = await timers.fire(clock.now());
    await drain();
    return { published: 0, timeoutsFired, carrierActions: 0, projected: 0 };
  };

  return {
    pending,
    nextWakeUp: async () => {
      const times = [(await timers.nextDueAt())?.getTime(), carrier.nextDueAt()].filter(
        (t): t is number => t !== undefined,
      );
      return times.length === 0 ? undefined : new Date(Math.min(...times));
    },
    run: async (options = {}) => {
      const maxSteps = options.maxSteps ?? 1_000;
      const failuresBefore = audit.failures().length;
      const total = { steps: 0, published: 0, timeoutsFired: 0, carrierActions: 0, projected: 0 };
      for (;;) {
        let r = await round();
        let busy = r.published + r.carrierActions + r.projected > 0 || (await backend.outboxPending()) > 0;
        if (!busy) {
          r = await timeoutRound();
          busy = r.timeoutsFired > 0;
        }
        const failures = audit.failures().slice(failuresBefore);
        if (failures.length > 0) throw new HostWorkerError(failures);
        if (!busy) return total;
        total.steps += 1;
        total.published += r.published;
        total.timeoutsFired += r.timeoutsFired;
        total.carrierActions += r.carrierActions;
        total.projected += r.projected;
        if (total.steps >= maxSteps) throw new HostNotSettledError(total.steps, await pending());
      }
    },
  };
};
