import type { AnyEvent } from '../event-store/event-store';
import type { RecordedEvent } from '../event-store/recorded-event';

/**
 * A pure projection: a read model folded from recorded events. It may run inline (in the append's
 * transaction) or asynchronously from a checkpoint, and can always be rebuilt from position zero.
 */
export interface Projection<Ev extends AnyEvent, M> {
  /** Unique name; also the checkpoint key. */
  readonly name: string;
  readonly initialState: M;
  readonly evolve: (model: M, event: RecordedEvent<Ev>) => M;
  /** Event types it reads; others are skipped without calling `evolve`. Defaults to all. */
  readonly eventTypes?: ReadonlyArray<Ev['type']>;
}

/** A projection written as an effectful handler (e.g. SQL against the adapter's transaction `Ctx`). */
export interface ProjectionHandler<Ev extends AnyEvent, Ctx = void> {
  readonly name: string;
  readonly eventTypes?: ReadonlyArray<Ev['type']>;
  /** Applies a batch, in global order. Runs inside the transaction that also stores the checkpoint. */
  readonly handle: (events: ReadonlyArray<RecordedEvent<Ev>>, context: Ctx) => Promise<void>;
}

/** A read model with the position it reflects. */
export interface ProjectedState<M> {
  readonly model: M;
  /** Global position of the last event folded in; `undefined` before the first. */
  readonly position: bigint | undefined;
}

/** True when the projection reads events of this type. */
export const projectionHandles = (p: { readonly eventTypes?: ReadonlyArray<string> }, type: string): boolean =>
  p.eventTypes === undefined || p.eventTypes.includes(type);

/**
 * Folds a batch into a projected state. Events at or before the state's position are skipped, so
 * replaying a batch after a crash (at-least-once delivery) changes nothing.
 */
export const projectBatch = <Ev extends AnyEvent, M>(
  projection: Projection<Ev, M>,
  from: ProjectedState<M>,
  events: Iterable<RecordedEvent<Ev>>,
): ProjectedState<M> => {
  let { model, position } = from;
  for (const event of events) {
    if (position !== undefined && event.globalPosition <= position) continue;
    if (projectionHandles(projection, event.event.type)) model = projection.evolve(model, event);
    position = event.globalPosition;
  }
  return { model, position };
};

/** Starting state of a projection (for a rebuild from position zero). */
export const initialProjected = <M>(projection: { readonly initialState: M }): ProjectedState<M> => ({
  model: projection.initialState,
  position: undefined,
});

/**
 * Rebuilds a projection from position zero by paging through `readAll`.
 */
export const rebuildProjection = async <Ev extends AnyEvent, M>(
  projection: Projection<Ev, M>,
  readAll: (options: { after?: bigint; maxCount: number }) => Promise<ReadonlyArray<RecordedEvent<Ev>>>,
  batchSize = 1000,
): Promise<ProjectedState<M>> => {
  let state = initialProjected(projection);
  for (;;) {
    const batch = await readAll(
      state.position === undefined ? { maxCount: batchSize } : { after: state.position, maxCount: batchSize },
    );
    state = projectBatch(projection, state, batch);
    if (batch.length < batchSize) return state;
  }
};

/** Turns a pure projection into a handler over a mutable holder (used by in-memory runners). */
export const projectionAsHandler = <Ev extends AnyEvent, M>(
  projection: Projection<Ev, M>,
  holder: { model: M },
): ProjectionHandler<Ev> => ({
  name: projection.name,
  ...(projection.eventTypes === undefined ? {} : { eventTypes: projection.eventTypes }),
  handle: async (events) => {
    // Filtered here too: a runner may hand over every event of a batch.
    for (const event of events) {
      if (projectionHandles(projection, event.event.type)) holder.model = projection.evolve(holder.model, event);
    }
  },
});

/** One step of an async projection: read after the checkpoint, handle, store the checkpoint. */
export interface AsyncProjectionStep<Ev extends AnyEvent> {
  readonly readAll: (options: { after?: bigint; maxCount: number }) => Promise<ReadonlyArray<RecordedEvent<Ev>>>;
  /**
   * Applies the batch and stores the new checkpoint atomically (one transaction in PostgreSQL).
   * `expectedCheckpoint` lets the adapter refuse a stale runner that lost its lease.
   */
  readonly commit: (
    events: ReadonlyArray<RecordedEvent<Ev>>,
    checkpoint: bigint,
    expectedCheckpoint: bigint | undefined,
  ) => Promise<void>;
  readonly loadCheckpoint: () => Promise<bigint | undefined>;
}

/** Runs one batch of an async projection; answers how many events were read (0 when caught up). */
export const runProjectionBatch = async <Ev extends AnyEvent>(
  step: AsyncProjectionStep<Ev>,
  batchSize = 500,
): Promise<number> => {
  const checkpoint = await step.loadCheckpoint();
  const batch = await step.readAll(
    checkpoint === undefined ? { maxCount: batchSize } : { after: checkpoint, maxCount: batchSize },
  );
  const last = batch[batch.length - 1];
  if (last === undefined) return 0;
  await step.commit(batch, last.globalPosition, checkpoint);
  return batch.length;
};
