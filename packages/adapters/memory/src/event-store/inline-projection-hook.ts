import type { AnyEvent, ProjectionHandler, RecordedEvent } from '@ordo/kernel';

/**
 * What the in-memory store needs of a pure inline projection, whatever its model type: fold an
 * append's events without committing (this may throw, and then the append is undone), and get
 * back the action that commits the result. `createInlineProjection` makes one.
 */
export interface InlineProjectionHook<Ev extends AnyEvent = AnyEvent> {
  readonly kind: 'inline-projection';
  prepare(events: ReadonlyArray<RecordedEvent<Ev>>): () => void;
}

/** What the store's `inlineProjections` option accepts: pure projections, or effectful handlers. */
export type InlineProjectionEntry<Ev extends AnyEvent = AnyEvent> =
  InlineProjectionHook<Ev> | ProjectionHandler<Ev, void>;

/** True for a pure projection hook (as opposed to a handler). */
export const isInlineProjection = <Ev extends AnyEvent>(
  entry: InlineProjectionEntry<Ev>,
): entry is InlineProjectionHook<Ev> => (entry as { kind?: unknown }).kind === 'inline-projection';
