import type { Decider } from '../decider/decider';
import type { AnyEvent } from '../event-store/event-store';

/** What a saga asks the outside world to do after recording one of its events. */
export type SagaAction<C, I> =
  /** Send a command; `commandId` is deterministic so a re-sent command is deduplicated downstream. */
  | { readonly kind: 'send'; readonly command: C; readonly commandId: string }
  /** Deliver `input` back to this saga at `dueAt` (ISO-8601) unless cancelled first. */
  | { readonly kind: 'schedule'; readonly timeoutId: string; readonly dueAt: string; readonly input: I }
  /** Cancel a scheduled timeout (it may still arrive late; the saga must ignore or compensate it). */
  | { readonly kind: 'cancel'; readonly timeoutId: string };

/**
 * A process manager stated as a decider over its inputs (events it reacts to, answers, timeouts),
 * so the same property laws apply to it. Its own events are stored in one stream per instance;
 * `react` derives the commands and timeouts each recorded saga event asks for, which a host
 * dispatches at-least-once (downstream handlers deduplicate by command id).
 */
export interface ProcessManager<I extends AnyEvent, Ev extends AnyEvent, S, C> extends Decider<I, Ev, S> {
  /** Names the saga; its streams are `${name}-${instanceId}`. */
  readonly name: string;
  /** The saga instance an input belongs to, or `undefined` when it does not concern this saga. */
  readonly correlate: (input: I) => string | undefined;
  /** Commands and timeouts asked for by one recorded saga event. */
  readonly react: (event: Ev) => ReadonlyArray<SagaAction<C, I>>;
  /** Every saga reaches a terminal state; it then accepts no input. */
  readonly isTerminal: (state: S) => boolean;
}

/** Stream id of one saga instance. */
export const sagaStreamId = (pm: { readonly name: string }, instanceId: string): string => `${pm.name}-${instanceId}`;

/** All actions asked for by a list of recorded saga events, in order. */
export const sagaActions = <I extends AnyEvent, Ev extends AnyEvent, S, C>(
  pm: ProcessManager<I, Ev, S, C>,
  events: ReadonlyArray<Ev>,
): ReadonlyArray<SagaAction<C, I>> => events.flatMap((e) => pm.react(e));
