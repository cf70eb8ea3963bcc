import {
  type AnyEvent,
  type ProjectedState,
  type Projection,
  type ProjectionHandler,
  type RecordedEvent,
  initialProjected,
  projectBatch,
} from '@ordo/kernel';

/**
 * What the in-memory store needs of a pure inline projection, whatever its model type: fold an
 * append's events without committing (this may throw, and then the append is undone), and get
 * back the action that commits the result.
 */
export interface InlineProjectionHook<Ev extends AnyEvent = AnyEvent> {
  readonly kind: 'inline-projection';
  prepare(events: ReadonlyArray<RecordedEvent<Ev>>): () => void;
}

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

/** What the store's `inlineProjections` option accepts: pure projections, or effectful handlers. */
export type InlineProjectionEntry<Ev extends AnyEvent = AnyEvent> =
  InlineProjectionHook<Ev> | ProjectionHandler<Ev, void>;

/** True for a pure projection hook (as opposed to a handler). */
export const isInlineProjection = <Ev extends AnyEvent>(
  entry: InlineProjectionEntry<Ev>,
): entry is InlineProjectionHook<Ev> => (entry as { kind?: unknown }).kind === 'inline-projection';
