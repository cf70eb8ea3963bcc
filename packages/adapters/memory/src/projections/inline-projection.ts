import { type AnyEvent, type ProjectedState, type Projection } from '@ordo/kernel';
import { initialProjected, projectBatch } from '@ordo/kernel/adapter-kit';
import type { InlineProjectionHook } from '../event-store';

/**
 * A pure projection kept up to date inside the in-memory store's append: the store folds each
 * append's events into it and commits the new model together with the events, or neither when
 * `evolve` throws.
 */
export interface InlineProjection<Ev extends AnyEvent = AnyEvent, M = unknown> extends InlineProjectionHook<Ev> {
  readonly projection: Projection<Ev, M>;
  /** The model and the position it reflects. */
  current(): ProjectedState<M>;
  /** The model alone. */
  model(): M;
  /** Back to the initial state (before a rebuild). */
  reset(): void;
}

/** Wraps a pure projection for the store's `inlineProjections` option. */
export const createInlineProjection = <Ev extends AnyEvent, M>(
  projection: Projection<Ev, M>,
): InlineProjection<Ev, M> => {
  let state = initialProjected(projection);
  return {
    kind: 'inline-projection',
    projection,
    current: () => state,
    model: () => state.model,
    reset: () => {
      state = initialProjected(projection);
    },
    prepare: (events) => {
      const next = projectBatch(projection, state, events);
      return () => {
        state = next;
      };
    },
  };
};
