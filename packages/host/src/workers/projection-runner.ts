import { type AnyEvent, type EventStore, type ProjectedState, type Projection } from '@ordo/kernel';
import { inOneStep } from '@ordo/domains';
import { initialProjected, projectBatch, runProjectionBatch } from '@ordo/kernel/adapter-kit';

/**
 * Where an async projection keeps its read model and checkpoint, written together (one
 * transaction in PostgreSQL, one assignment in memory).
 */
export interface ProjectionStateStore<M> {
  load(name: string): Promise<ProjectedState<M> | undefined>;
  /** Stores the model and its position together; refuses when the stored position is not `expected`. */
  save(name: string, state: ProjectedState<M>, expected: bigint | undefined): Promise<void>;
  /** Forgets the stored model (a rebuild starts from the beginning of the log). */
  reset(name: string): Promise<void>;
}

/** An in-memory {@link ProjectionStateStore}. */
export const createInMemoryProjectionStateStore = <M>(): ProjectionStateStore<M> & {
  readonly entries: () => ReadonlyMap<string, ProjectedState<M>>;
} => {
  const states = new Map<string, ProjectedState<M>>();
  return {
    load: async (name) => states.get(name),
    save: async (name, state, expected) => {
      const current = states.get(name)?.position;
      if (current !== expected) {
        throw new Error(`projection '${name}' moved from ${String(expected)} to ${String(current)} under this runner`);
      }
      states.set(name, state);
    },
    reset: async (name) => void states.delete(name),
    entries: () => new Map(states),
  };
};

/** Runs one async projection batch by batch from its checkpoint. */
export interface ProjectionRunner<Ev extends AnyEvent, M> {
  readonly name: string;
  readonly projection: Projection<Ev, M>;
  /** Most events one step reads; a step that reads fewer has reached the end of the log. */
  readonly batchSize: number;
  /** Folds the next batch; answers how many events were read (fewer than `batchSize` once it reached the end of the log). */
  step(): Promise<number>;
  /** The stored read model and its position, as this runner last loaded or saved it. */
  current(): Promise<ProjectedState<M>>;
  /** The read model as stored now (another process may have moved it on). */
  stored(): Promise<ProjectedState<M>>;
  /** Forgets the stored model and starts again from the beginning of the log. */
  rebuild(): Promise<void>;
  /** Forgets what is held in memory (a crash): the next step reloads from the state store. */
  reset(): void;
}

/**
 * Creates an async projection runner: reads the log after the stored position, folds the batch
 * with the kernel's `projectBatch` and stores model and position together, so a crash between
 * batches loses nothing and replays nothing.
 */
export const createProjectionRunner = <Ev extends AnyEvent, M>(options: {
  readonly projection: Projection<Ev, M>;
  readonly store: EventStore;
  readonly states: ProjectionStateStore<M>;
  readonly batchSize?: number;
}): ProjectionRunner<Ev, M> => {
  const { projection, states } = options;
  const batchSize = options.batchSize ?? 200;
  let cached: ProjectedState<M> | undefined;
  const load = async (): Promise<ProjectedState<M>> => {
    cached ??= (await states.load(projection.name)) ?? initialProjected(projection);
    return cached;
  };
  return {
    name: projection.name,
    projection,
    batchSize,
    step: async () => {
      const from = await load();
      return runProjectionBatch<Ev>(
        {
          loadCheckpoint: async () => from.position,
          readAll: async (o) => (await options.store.readAll(o)) as never,
          commit: async (events, _checkpoint, expected) => {
            // One step: the domains' read-model tables are copied once per batch, not once per event.
            const next = inOneStep(() => projectBatch(projection, from, events));
            await states.save(projection.name, next, expected);
            cached = next;
          },
        },
        batchSize,
      );
    },
    current: load,
    stored: async () => (await states.load(projection.name)) ?? initialProjected(projection),
    rebuild: async () => {
      await states.reset(projection.name);
      cached = undefined;
    },
    reset: () => {
      cached = undefined;
    },
  };
};
