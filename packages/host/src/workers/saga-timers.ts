import type { IncomingMessage, Publisher, Scheduler } from '@ordo/kernel';
import type { FulfilmentInput } from '@ordo/domains';
import {
  type CancelTimeoutPayload,
  type ScheduleTimeoutPayload,
  TimerMessageTypes,
} from '../messaging/commerce-outbox';
import { fulfilmentSignalMessage } from '../messaging/saga-signals';
import type { SagaSignal } from './saga-runner';

/**
 * The saga's timeouts: the timers topic's consumer writes them (`apply`), the timers role fires
 * the due ones (`fire`) as signals to the saga. On PostgreSQL they live in a table and fire into
 * the outbox in one transaction; in memory they fire straight onto the bus.
 */
export interface SagaTimers {
  /** Handles one message of the timers topic: schedules or cancels a timeout. Other types are ignored. */
  apply(message: IncomingMessage): Promise<void>;
  /** Fires the timeouts due at `now`; answers how many fired. */
  fire(now: Date): Promise<number>;
  /** When the earliest pending timeout falls due. */
  nextDueAt(): Promise<Date | undefined>;
  /** Timeouts scheduled and not yet fired. */
  pending(): Promise<number>;
}

/** The signal a scheduled timeout becomes: deduplicated by timeout id and due time. */
export const timeoutSignal = (payload: ScheduleTimeoutPayload<FulfilmentInput>): SagaSignal<FulfilmentInput> => ({
  input: payload.input,
  messageId: `timeout:${payload.timeoutId}:${payload.dueAt}`,
});

/** Applies one timers-topic message to any scheduler of saga signals. */
export const applyTimerMessage = async (
  scheduler: Pick<Scheduler<SagaSignal<FulfilmentInput>>, 'schedule' | 'cancel'>,
  message: IncomingMessage,
): Promise<void> => {
  if (message.type === TimerMessageTypes.schedule) {
    const payload = message.payload as ScheduleTimeoutPayload<FulfilmentInput>;
    await scheduler.schedule(payload.timeoutId, timeoutSignal(payload), new Date(payload.dueAt));
  } else if (message.type === TimerMessageTypes.cancel) {
    await scheduler.cancel((message.payload as CancelTimeoutPayload).timeoutId);
  }
};

/**
 * Saga timers on a scheduler that keeps them in this process (the in-memory one): due timeouts
 * are published to the signals topic; one that fails to publish goes back with the rest.
 */
export const createPublishingSagaTimers = (options: {
  readonly scheduler: Scheduler<SagaSignal<FulfilmentInput>> & {
    nextDueAt(): Date | undefined;
    pending(): ReadonlyArray<unknown>;
  };
  readonly publisher: Publisher;
  readonly signalsTopic: string;
}): SagaTimers => {
  const { scheduler } = options;
  return {
    apply: (message) => applyTimerMessage(scheduler, message),
    fire: async (now) => {
      const due = await scheduler.takeDue(now);
      for (let i = 0; i < due.length; i++) {
        try {
          await options.publisher.publish([fulfilmentSignalMessage(due[i]!.message, options.signalsTopic)]);
        } catch (error) {
          // Put back what was not delivered, so the next round fires it (at least once).
          for (const entry of due.slice(i)) await scheduler.schedule(entry.id, entry.message, entry.dueAt);
          throw error;
        }
      }
      return due.length;
    },
    nextDueAt: async () => scheduler.nextDueAt(),
    pending: async () => scheduler.pending().length,
  };
};
