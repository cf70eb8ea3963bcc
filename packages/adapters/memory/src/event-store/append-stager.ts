import type { AnyEvent, OutboxMapping, OutboxMessage, RecordedEvent } from '@ordo/kernel';
import type { InMemoryOutbox } from '../outbox';
import type { InlineProjectionHook } from './inline-projection-hook';

/** What an append adds besides its events: commits of pure inline projections, outbox rows. */
export interface StagedAppend {
  /** Commits of the pure inline projections, run when the append commits. */
  readonly projected: ReadonlyArray<() => void>;
  readonly messages: ReadonlyArray<OutboxMessage>;
}

/**
 * Runs what must succeed with the append but may throw (pure projections, outbox routing)
 * without committing anything; `undefined` when there is nothing besides the events.
 */
export type StageAppend<E extends AnyEvent> = (records: ReadonlyArray<RecordedEvent<E>>) => StagedAppend | undefined;

/** A shared empty list. */
const NONE: ReadonlyArray<never> = Object.freeze([]);

/** Creates the {@link StageAppend} step for the store's pure inline projections and outbox. */
export const createAppendStager = <E extends AnyEvent>(
  pure: ReadonlyArray<InlineProjectionHook<E>>,
  outbox: InMemoryOutbox | undefined,
  mapping: OutboxMapping<E>,
): StageAppend<E> => {
  return (records) => {
    if (pure.length === 0 && outbox === undefined) return undefined;
    const projected = pure.length === 0 ? NONE : pure.map((p) => p.prepare(records));
    let messages: OutboxMessage[] | undefined;
    if (outbox !== undefined) {
      for (const record of records) {
        const sent = mapping(record);
        if (sent.length > 0) (messages ??= []).push(...sent);
      }
    }
    return { projected, messages: messages ?? NONE };
  };
};
